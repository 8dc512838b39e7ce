package io.parley.chat.gateway;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * A stand-in for realtime-edge over a real socket: it accepts a handshake only when it
 * carries a token, either as {@code Authorization: Bearer ...} or as a {@code bearer.<jwt>}
 * subprotocol (and answers 401 otherwise, as the edge does), selects {@code chat.v1} when offered, and
 * echoes every frame except the commands: {@code close:<code>} closes the socket with that code,
 * {@code fragment:<text>} sends text as the first frame of a message that is not finished, and
 * {@code last-fragment:<text>} finishes it with a continuation frame. It records the close
 * status each socket ends with. Once {@link #drain}ed it answers every handshake 503, as a
 * stopping edge does; once {@link #hangUp hung up} it closes the connection without an answer.
 */
final class EdgeServer {

    static final String SUBPROTOCOL = "chat.v1";
    static final String CLOSE_COMMAND = "close:";
    static final String FRAGMENT_COMMAND = "fragment:";
    static final String LAST_FRAGMENT_COMMAND = "last-fragment:";

    record Handshake(String authorization, List<String> offeredProtocols) {
    }

    private final Queue<Handshake> handshakes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger openSessions = new AtomicInteger();
    private final AtomicInteger fragmentsSent = new AtomicInteger();
    private final Queue<String> closeStatuses = new ConcurrentLinkedQueue<>();
    private volatile int port;
    private volatile DisposableServer server;
    private volatile boolean draining;
    private volatile boolean hangingUp;

    private EdgeServer() {
    }

    static EdgeServer start() {
        EdgeServer edge = new EdgeServer();
        edge.bind(0);
        return edge;
    }

    private void bind(int requestedPort) {
        server = HttpServer.create()
                .host("127.0.0.1")
                .port(requestedPort)
                .route(routes -> routes.get("/ws", this::handshake))
                .bindNow(Duration.ofSeconds(10));
        port = server.port();
    }

    private Mono<Void> handshake(HttpServerRequest request, HttpServerResponse response) {
        String authorization = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
        String protocolHeader = request.requestHeaders().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        List<String> offered = protocolHeader == null ? List.of()
                : Arrays.stream(protocolHeader.split(",")).map(String::trim).toList();
        handshakes.add(new Handshake(authorization, offered));
        if (draining) {
            return response.status(HttpResponseStatus.SERVICE_UNAVAILABLE).send();
        }
        if (hangingUp) {
            response.withConnection(connection -> connection.channel().close());
            return Mono.never();
        }
        boolean hasToken = (authorization != null && authorization.startsWith("Bearer "))
                || offered.stream().anyMatch(p -> p.startsWith("bearer."));
        if (!hasToken) {
            return response.status(HttpResponseStatus.UNAUTHORIZED).send();
        }
        // Reactor Netty runs no handler when it has protocols and the client offered none of them
        WebsocketServerSpec.Builder spec = WebsocketServerSpec.builder();
        if (offered.contains(SUBPROTOCOL)) {
            spec.protocols(SUBPROTOCOL);
        }
        return response.sendWebsocket(this::echo, spec.build());
    }

    private Mono<Void> echo(WebsocketInbound in, WebsocketOutbound out) {
        openSessions.incrementAndGet();
        in.receiveCloseStatus().subscribe(status -> closeStatuses.add(status.code() + " " + status.reasonText()));
        return in.receive().asString()
                .concatMap(text -> answer(text, out))
                .then()
                .doFinally(signal -> openSessions.decrementAndGet());
    }

    private Mono<Void> answer(String text, WebsocketOutbound out) {
        if (text.startsWith(CLOSE_COMMAND)) {
            return out.sendClose(Integer.parseInt(text.substring(CLOSE_COMMAND.length())), "closed by edge");
        }
        if (text.startsWith(FRAGMENT_COMMAND)) {
            return out.sendObject(new TextWebSocketFrame(false, 0, text.substring(FRAGMENT_COMMAND.length()))).then()
                    .doOnSuccess(sent -> fragmentsSent.incrementAndGet());
        }
        if (text.startsWith(LAST_FRAGMENT_COMMAND)) {
            return out.sendObject(new ContinuationWebSocketFrame(true, 0, text.substring(LAST_FRAGMENT_COMMAND.length())))
                    .then();
        }
        return out.sendString(Mono.just(text)).then();
    }

    String url() {
        return "ws://127.0.0.1:" + port;
    }

    List<Handshake> handshakes() {
        return List.copyOf(handshakes);
    }

    int openSessions() {
        return openSessions.get();
    }

    /** First fragments of unfinished messages written to the socket so far. */
    int fragmentsSent() {
        return fragmentsSent.get();
    }

    /** {@code "<code> <reason>"} of every socket that ended with a close frame from the gateway. */
    List<String> closeStatuses() {
        return List.copyOf(closeStatuses);
    }

    /** Answers every handshake 503 from now on, as an edge that is shutting down does. */
    void drain() {
        draining = true;
    }

    /**
     * Closes every handshake's connection from now on without answering it, as an edge does
     * whose server is closing while the handshake is on its way.
     */
    void hangUp() {
        hangingUp = true;
    }

    void forget() {
        handshakes.clear();
        closeStatuses.clear();
    }

    void stop() {
        server.disposeNow(Duration.ofSeconds(10));
    }

    /** Listens again on the same port, so the gateway's configured route works again. */
    void restart() {
        bind(port);
    }
}
