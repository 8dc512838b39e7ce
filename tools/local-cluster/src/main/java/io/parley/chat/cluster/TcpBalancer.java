package io.parley.chat.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * A TCP load balancer on one port in front of several instances, as a Kubernetes Service
 * or a cloud load balancer is in production: each new connection goes to the next
 * instance, round robin, and to the one after it when an instance refuses (the instance
 * that is down costs a connect attempt, not a failed request). A connection lives as long
 * as both of its ends do; when an instance dies, its connections are closed, and the
 * client sees it as it would see a pod go away.
 *
 * <p>The local run puts one in front of each replicated service and of the gateways (the
 * ingress), and one in front of Mongo so that a test can cut Mongo off ({@link #suspend})
 * and restore it ({@link #resume}) the way a network outage does.
 *
 * <p>All balancers share two Netty event loops: a copy costs a read and a write, and no
 * thread of its own. (A pair of blocking threads per connection, as before, put 1,200
 * threads into the test JVM under the fault suite's 200 clients, each frame waking one on
 * each hop; on two busy cores that wait was added to every frame and every call between
 * services, which a Kubernetes Service, in the kernel, does not add.) Each direction reads
 * its next bytes only once the last were written: a slow end slows its sender, it does not
 * fill this JVM's memory. Netty's epoll transport where there is one (Linux): it closes a
 * listening socket at once, so that a {@link #suspend}ed balancer refuses the very next
 * connection (NIO closes it at the selector's next turn, and a connection can slip in).
 */
final class TcpBalancer implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MS = 1000;
    private static final boolean EPOLL = Epoll.isAvailable();
    private static final EventLoopGroup LOOPS = new MultiThreadIoEventLoopGroup(2,
            new DefaultThreadFactory("balancer", true), EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    private static final Class<? extends ServerChannel> SERVER_CHANNEL = EPOLL ? EpollServerSocketChannel.class
            : NioServerSocketChannel.class;
    private static final Class<? extends SocketChannel> CHANNEL = EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;

    /** Why connections were cut other than by a close of one end: for diagnosis. */
    static final java.util.concurrent.ConcurrentMap<String, Integer> ERRORS = new ConcurrentHashMap<>();

    private final String name;
    private final int port;
    private final List<InetSocketAddress> instances;
    private final AtomicInteger next = new AtomicInteger();
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    /** Instances out of rotation (a pod that is terminating has left the Service's endpoints). */
    private final Set<InetSocketAddress> out = ConcurrentHashMap.newKeySet();
    private volatile Channel listener;

    private TcpBalancer(String name, int port, List<InetSocketAddress> instances) {
        this.name = name;
        this.port = port;
        this.instances = List.copyOf(instances);
    }

    /** Listens on {@code port} of 127.0.0.1 in front of the given instances. */
    static TcpBalancer start(String name, int port, List<InetSocketAddress> instances) throws IOException {
        TcpBalancer balancer = new TcpBalancer(name, port, instances);
        balancer.listen();
        return balancer;
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    List<InetSocketAddress> instances() {
        return instances;
    }

    /**
     * Takes the instance on {@code port} out of rotation, as Kubernetes removes a terminating
     * pod from the Service's endpoints before it sends SIGTERM: new connections go to the
     * others; the instance's open connections stay, for it to drain.
     */
    void takeOut(int port) {
        instances.stream().filter(instance -> instance.getPort() == port).forEach(out::add);
    }

    /** Puts the instance on {@code port} back into rotation (its new pod is ready). */
    void putBack(int port) {
        out.removeIf(instance -> instance.getPort() == port);
    }

    /** Stops accepting and closes every open connection: to its clients the instances are unreachable. */
    synchronized void suspend() {
        Channel listening = listener;
        listener = null;
        if (listening != null) {
            listening.close().syncUninterruptibly();
        }
        open.forEach(Channel::close);
        open.clear();
    }

    /** Accepts connections again on the same port. */
    synchronized void resume() throws IOException {
        if (listener == null) {
            listen();
        }
    }

    @Override
    public void close() {
        suspend();
    }

    private void listen() throws IOException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(LOOPS)
                .channel(SERVER_CHANNEL)
                .option(ChannelOption.SO_BACKLOG, 512)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel client) {
                        connect(client, Math.floorMod(next.getAndIncrement(), instances.size()), 0);
                    }
                });
        try {
            listener = bootstrap.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding " + this, e);
        } catch (Exception e) {
            throw new IOException("cannot listen on " + port + " for " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Connects the client to the instance at {@code (first + tried)} of the rotation, or to the
     * next when it refuses; with every instance refused, the client is reset at once, the
     * nearest a balancer that already accepted can come to a refusal (a Service without
     * endpoints rejects the SYN); an orderly close would read as an empty answer.
     */
    private void connect(SocketChannel client, int first, int tried) {
        InetSocketAddress instance = null;
        int attempt = tried;
        while (attempt < instances.size() && instance == null) {
            InetSocketAddress candidate = instances.get((first + attempt) % instances.size());
            attempt++;
            if (!out.contains(candidate)) {
                instance = candidate;
            }
        }
        if (instance == null) {
            client.config().setSoLinger(0);
            client.close();
            return;
        }
        int triedNext = attempt;
        new Bootstrap()
                .group(client.eventLoop())
                .channel(CHANNEL)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(instance)
                .addListener((ChannelFutureListener) connected -> {
                    if (!connected.isSuccess()) {
                        connect(client, first, triedNext);
                    } else if (!client.isActive()) {
                        connected.channel().close();
                    } else {
                        splice(client, (SocketChannel) connected.channel());
                    }
                });
    }

    private void splice(SocketChannel client, SocketChannel instance) {
        open.add(client);
        open.add(instance);
        AtomicInteger directions = new AtomicInteger(2);
        client.pipeline().addLast(new Pump(instance, directions));
        instance.pipeline().addLast(new Pump(client, directions));
        client.read();
        instance.read();
    }

    /**
     * Copies what one side reads to the other, reading on once it is written. At the end of
     * the input the other side's output is shut, and the last direction to end closes both.
     */
    private final class Pump extends ChannelInboundHandlerAdapter {

        private final SocketChannel to;
        private final AtomicInteger directions;

        Pump(SocketChannel to, AtomicInteger directions) {
            this.to = to;
            this.directions = directions;
        }

        @Override
        public void channelRead(ChannelHandlerContext from, Object bytes) {
            if (!to.isActive()) {
                ReferenceCountUtil.release(bytes);
                from.close();
                return;
            }
            to.writeAndFlush(bytes).addListener((ChannelFutureListener) written -> {
                if (written.isSuccess()) {
                    from.channel().read();
                } else {
                    cut(from.channel(), written.cause());
                }
            });
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext from, Object event) {
            if (event instanceof ChannelInputShutdownEvent) {
                to.shutdownOutput();
                ended(from.channel());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext from) {
            // one end closed or reset: the whole connection goes, as it would through a real balancer
            to.close();
            open.remove(from.channel());
            open.remove(to);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext from, Throwable cause) {
            cut(from.channel(), cause);
        }

        private void cut(Channel from, Throwable cause) {
            if (from.isActive() && to.isActive()) {
                ERRORS.merge(name + ": " + cause, 1, Integer::sum);
            }
            from.close();
            to.close();
        }

        private void ended(Channel from) {
            if (directions.decrementAndGet() == 0) {
                from.close();
                to.close();
            }
        }
    }

    @Override
    public String toString() {
        return "balancer " + name + " on " + port;
    }
}
