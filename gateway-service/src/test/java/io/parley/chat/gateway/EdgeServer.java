package io.parley.chat.gateway;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
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
 * echoes every frame except {@code close:<code>}, which closes the socket with that code.
 */
final class EdgeServer {

    static final String SUBPROTOCOL = "chat.v1";
    static final String CLOSE_COMMAND = "close:";

    record Handshake(String authorization, List<String> offeredProtocols) {
    }

    private final Queue<Handshake> handshakes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger openSessions = new AtomicInteger();
    private volatile int port;
    private volatile DisposableServer server;

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
        return in.receive().asString()
                .concatMap(text -> text.startsWith(CLOSE_COMMAND)
                        ? out.sendClose(Integer.parseInt(text.substring(CLOSE_COMMAND.length())), "closed by edge")
                        : out.sendString(Mono.just(text)).then())
                .then()
                .doFinally(signal -> openSessions.decrementAndGet());
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

    void forget() {
        handshakes.clear();
    }

    void stop() {
        server.disposeNow(Duration.ofSeconds(10));
    }

    /** Listens again on the same port, so the gateway's configured route works again. */
    void restart() {
        bind(port);
    }
}
