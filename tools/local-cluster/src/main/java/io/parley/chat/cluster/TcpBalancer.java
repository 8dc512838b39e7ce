package io.parley.chat.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

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
 */
final class TcpBalancer implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MS = 1000;
    private static final int BUFFER = 16 * 1024;

    /** Why connections were cut other than by a close of one end: for diagnosis. */
    static final java.util.concurrent.ConcurrentMap<String, Integer> ERRORS = new ConcurrentHashMap<>();

    private final String name;
    private final int port;
    private final List<InetSocketAddress> instances;
    private final AtomicInteger next = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    /** Instances out of rotation (a pod that is terminating has left the Service's endpoints). */
    private final Set<InetSocketAddress> out = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;

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
        closeQuietly(listener);
        listener = null;
        open.forEach(TcpBalancer::closeQuietly);
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
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
        listener = socket;
        daemon("balancer-" + name, () -> accept(socket));
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                daemon("balancer-" + name + "-connect", () -> relay(client));
            } catch (IOException e) {
                // closed by suspend() or close()
            }
        }
    }

    private void relay(Socket client) {
        Socket instance = connect();
        if (instance == null) {
            // no instance up: reset at once, the nearest a balancer that already accepted can come to a refusal
            // (a Service without endpoints rejects the SYN); an orderly close would read as an empty answer
            try {
                client.setSoLinger(true, 0);
            } catch (SocketException e) {
                // closed meanwhile
            }
            closeQuietly(client);
            return;
        }
        open.add(client);
        open.add(instance);
        try {
            client.setTcpNoDelay(true);
            instance.setTcpNoDelay(true);
        } catch (SocketException e) {
            // a socket that just closed: the pumps find out
        }
        AtomicInteger directions = new AtomicInteger(2);
        daemon("balancer-" + name + "-up", () -> pump(client, instance, directions));
        pump(instance, client, directions);
    }

    /** The next instance that takes the connection, starting at the round-robin turn; none when all refuse. */
    private Socket connect() {
        int first = Math.floorMod(next.getAndIncrement(), instances.size());
        for (int i = 0; i < instances.size(); i++) {
            InetSocketAddress instance = instances.get((first + i) % instances.size());
            if (out.contains(instance)) {
                continue;
            }
            Socket socket = new Socket();
            try {
                socket.connect(instance, CONNECT_TIMEOUT_MS);
                return socket;
            } catch (IOException refused) {
                closeQuietly(socket);
            }
        }
        return null;
    }

    /** Copies one direction; at its end the other side's output is shut, and the last direction closes both. */
    private void pump(Socket from, Socket to, AtomicInteger directions) {
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one end reset or closed: the whole connection goes, as it would through a real balancer
            if (!from.isClosed() && !to.isClosed()) {
                ERRORS.merge(name + ": " + e, 1, Integer::sum);
            }
            closeQuietly(from);
            closeQuietly(to);
        } finally {
            if (directions.decrementAndGet() == 0) {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed
        }
    }

    @Override
    public String toString() {
        return "balancer " + name + " on " + port;
    }
}
