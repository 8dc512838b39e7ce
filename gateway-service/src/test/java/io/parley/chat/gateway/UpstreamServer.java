package io.parley.chat.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A stand-in for one downstream service over a real socket: it answers every request with
 * its own name, the path it saw and the {@code Authorization} header it received, and
 * remembers each request so that a test can assert what did (or did not) reach it.
 *
 * <p>Responses carry {@code Connection: close} so that the gateway never holds a pooled
 * connection to it: a test that stops the server then sees a refused connection, not a
 * race with a connection that is closing.
 */
final class UpstreamServer {

    /** A path under which the server waits before answering, to trip the gateway's response timeout. */
    static final String SLOW_SEGMENT = "/slow";
    static final Duration SLOW_DELAY = Duration.ofSeconds(5);
    /** A path under which the server hangs up without answering. */
    static final String HANG_UP_SEGMENT = "/hang-up";

    record Seen(String method, String path, String authorization, HttpHeaders headers) {
    }

    private final String name;
    private final Queue<Seen> seen = new ConcurrentLinkedQueue<>();
    private volatile int port;
    private volatile DisposableServer server;

    private UpstreamServer(String name) {
        this.name = name;
    }

    static UpstreamServer start(String name) {
        UpstreamServer upstream = new UpstreamServer(name);
        upstream.bind(0);
        return upstream;
    }

    private void bind(int requestedPort) {
        server = HttpServer.create()
                .host("127.0.0.1")
                .port(requestedPort)
                .handle(this::answer)
                .bindNow(Duration.ofSeconds(10));
        port = server.port();
    }

    private Mono<Void> answer(HttpServerRequest request, HttpServerResponse response) {
        String authorization = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
        // the lists the gateway itself polls from auth-service (ended logins, ...) on a timer: an empty page, as
        // auth-service sends it, and not remembered, since no client request caused it
        boolean ownPoll = request.uri().startsWith("/internal/v1/") && !request.requestHeaders().contains("X-Request-Id");
        if (!ownPoll) {
            seen.add(new Seen(request.method().name(), request.uri(), authorization, request.requestHeaders().copy()));
        }
        String body = ownPoll ? "{\"items\":[],\"now\":" + System.currentTimeMillis() + "}"
                : "{\"service\":\"" + name + "\",\"path\":\"" + request.uri() + "\",\"authorization\":"
                + (authorization == null ? "null" : "\"" + authorization + "\"") + "}";
        if (request.uri().contains(HANG_UP_SEGMENT)) {
            return request.receive().then(Mono.fromRunnable(() -> response.withConnection(c -> c.channel().close())));
        }
        Mono<Void> delay = request.uri().contains(SLOW_SEGMENT) ? Mono.delay(SLOW_DELAY).then() : Mono.empty();
        return request.receive().then(delay).then(response
                .header(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .header(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .sendString(Mono.just(body))
                .then());
    }

    String name() {
        return name;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    void forget() {
        seen.clear();
    }

    void stop() {
        server.disposeNow(Duration.ofSeconds(10));
    }

    /** Listens again on the same port, so the gateway's configured route works again. */
    void restart() {
        bind(port);
    }
}
