package io.parley.chat.gateway.routing;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.adapter.AbstractWebSocketSession;
import org.springframework.web.reactive.socket.adapter.ReactorNettyWebSocketSession;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.http.websocket.WebsocketInbound;

/**
 * A client socket and the edge socket it is relayed to, spliced at the frame level: a
 * {@link FrameRelay} in each side's Netty pipeline writes that side's frames to the other,
 * in front of Reactor Netty's own handler, so the sessions' Reactor streams see nothing
 * after the splice. It is also what {@link GatewayDrain} sees: a way to put one frame of
 * the gateway's own into what the client receives, to close both, and to know when both
 * are gone.
 *
 * <p>The splice keeps order: a side's relay is put in its pipeline on that side's event
 * loop, and the frames its decoder produced before (the edge may write right after its
 * handshake, before the client's is done) are drained from Reactor Netty's queue in the
 * same task, ahead of anything read later.
 *
 * <p>The edge's bytes go to the client as they came, without decoding and encoding each
 * frame again: a server's frames are unmasked, as the client must get them, and neither leg
 * negotiates an extension. That needs the edge side's decoder to hold no half frame when the
 * relay goes in front of it; when it does, that socket is relayed frame by frame.
 */
final class ProxiedSocket {

    private static final Logger log = LoggerFactory.getLogger(ProxiedSocket.class);

    private final Connection client;
    private final Connection edge;
    private final FrameRelay towardEdge;
    private final FrameRelay towardClient;
    private final AtomicBoolean injected = new AtomicBoolean();

    private ProxiedSocket(Connection client, Connection edge) {
        this.client = client;
        this.edge = edge;
        this.towardEdge = new FrameRelay(edge.channel(), "client -> edge");
        this.towardClient = new FrameRelay(client.channel(), "edge -> client");
        FrameRelay.pair(towardEdge, towardClient);
    }

    /**
     * Splices the two sessions; call on the client's event loop, from its session handler.
     * {@code relayedAsBytes} learns, on the edge's event loop, whether the edge's side went
     * in as bytes.
     */
    static ProxiedSocket splice(WebSocketSession clientSession, WebSocketSession edgeSession,
                                Consumer<Boolean> relayedAsBytes) {
        WebsocketInbound clientSide = inbound(clientSession);
        WebsocketInbound edgeSide = inbound(edgeSession);
        ProxiedSocket socket = new ProxiedSocket(connection(clientSide), connection(edgeSide));
        if (log.isDebugEnabled() && socket.client.channel().eventLoop() != socket.edge.channel().eventLoop()) {
            log.debug("client {} and edge {} sockets are on different event loops", clientSession.getId(),
                    edgeSession.getId());
        }
        install(clientSide, socket.client.channel(), socket.towardEdge, false);
        socket.edge.channel().eventLoop().execute(() ->
                relayedAsBytes.accept(install(edgeSide, socket.edge.channel(), socket.towardClient, true)));
        return socket;
    }

    /**
     * Puts {@code relay} in {@code channel}'s pipeline: in front of its frame decoder when
     * {@code asBytes} and the decoder is idle, so that the side's bytes go across as they
     * came; otherwise after the decoder, frame by frame. The edge's side is relayed as bytes:
     * it carries every delivery, and its frames are the edge's own, unmasked as the client
     * must get them. The client's side is decoded: its frames are few, and checked.
     * Returns whether the side went in as bytes.
     */
    private static boolean install(WebsocketInbound side, Channel channel, FrameRelay relay, boolean asBytes) {
        channel.closeFuture().addListener(closed -> relay.sourceGone());
        if (!channel.isActive()) {
            return false;
        }
        Optional<String> decoder = asBytes ? IdleFrameDecoder.in(channel.pipeline()) : Optional.empty();
        if (decoder.isPresent()) {
            channel.pipeline().addBefore(decoder.get(), FrameRelay.NAME, relay);
        } else {
            channel.pipeline().addBefore(NettyPipeline.ReactiveBridge, FrameRelay.NAME, relay);
        }
        // frames decoded before the relay was there wait in Reactor Netty's queue: they go first,
        // synchronously on this event loop (Reactor Netty releases each after the call)
        side.receiveFrames().subscribe(frame -> relay.relay(frame.retain()), error -> {
        });
        relay.flush();
        return decoder.isPresent();
    }

    /**
     * Spring's Reactor Netty session keeps its Reactor Netty inbound behind a protected
     * getter; it is read once per socket through a handle made at class load, so a Spring
     * upgrade that drops it fails the gateway's first WebSocket test, not a user's socket.
     */
    private static final MethodHandle DELEGATE = delegateGetter();

    private static MethodHandle delegateGetter() {
        try {
            Method getter = AbstractWebSocketSession.class.getDeclaredMethod("getDelegate");
            getter.setAccessible(true);
            return MethodHandles.lookup().unreflect(getter);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static WebsocketInbound inbound(WebSocketSession session) {
        if (!(session instanceof ReactorNettyWebSocketSession)) {
            throw new IllegalStateException("the gateway relays WebSockets on Reactor Netty only, got "
                    + session.getClass().getName());
        }
        try {
            return ((ReactorNettyWebSocketSession.WebSocketConnection) DELEGATE.invoke(session)).getInbound();
        } catch (Throwable e) {
            throw new IllegalStateException("cannot reach the Reactor Netty connection of " + session.getId(), e);
        }
    }

    private static Connection connection(WebsocketInbound inbound) {
        Connection[] connection = new Connection[1];
        inbound.withConnection(c -> connection[0] = c);
        return connection[0];
    }

    /** Sends {@code frame} to the client between two of the edge's messages; once per socket. */
    void inject(String frame) {
        if (injected.compareAndSet(false, true)) {
            onEdgeLoop(() -> towardClient.insert(new TextWebSocketFrame(frame), false));
        }
    }

    /**
     * Closes the client and the edge side with the same status. Each relay learns it first:
     * whichever side closes first, the other hears this status, not the 1001 of a lost peer.
     */
    Mono<Void> close(CloseStatus status) {
        String reason = status.getReason() == null ? "" : status.getReason();
        towardClient.closingWith(status.getCode(), reason);
        towardEdge.closingWith(status.getCode(), reason);
        onEdgeLoop(() -> towardClient.insert(new CloseWebSocketFrame(status.getCode(), reason), true));
        client.channel().eventLoop().execute(() -> towardEdge.insert(new CloseWebSocketFrame(status.getCode(), reason), true));
        return Mono.empty();
    }

    private void onEdgeLoop(Runnable task) {
        edge.channel().eventLoop().execute(task);
    }

    /** Completes once both sides are closed. */
    Mono<Void> ended() {
        return Mono.when(client.onDispose(), edge.onDispose());
    }
}
