package io.parley.chat.kit.problem;

import java.nio.charset.StandardCharsets;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/**
 * Problem details written by filters (security, routing), which run before any handler
 * and so before the {@link ProblemHandler}, with the same members as its own
 * ({@link ProblemFields}). The details are fixed strings: no client input is echoed.
 */
public final class ProblemResponses {

    private ProblemResponses() {
    }

    /** A problem whose {@code retryable} follows from its status ({@link ChatProblem#retryable(int)}). */
    public static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String slug, String detail) {
        return write(exchange, status, slug, detail, null);
    }

    /**
     * The same with {@code retryable} given, which tells a client whether sending the same
     * request again later may succeed (a rate limit, a service that is down) or not; null
     * means as the status says.
     */
    public static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String slug, String detail,
            Boolean retryable) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (status == HttpStatus.UNAUTHORIZED) {
            response.getHeaders().set("WWW-Authenticate", "Bearer");
        }
        String json = body(status, slug, detail, retryable, ProblemFields.traceId(exchange));
        return response.writeWith(Mono.just(response.bufferFactory().wrap(json.getBytes(StandardCharsets.UTF_8))));
    }

    /**
     * A problem document as JSON text, for responses written outside a
     * {@link ServerWebExchange} (a Reactor Netty route); {@code retryable} follows from the
     * status when null. {@code slug} and {@code detail} are written as given: callers pass
     * fixed texts, never request input.
     */
    public static String body(HttpStatus status, String slug, String detail, Boolean retryable) {
        return body(status, slug, detail, retryable, null);
    }

    /**
     * The same with the {@code traceId} of the request it answers (a 32-digit hex id from the
     * tracer, never client input), left out when null.
     */
    public static String body(HttpStatus status, String slug, String detail, Boolean retryable, String traceId) {
        boolean retry = retryable == null ? ChatProblem.retryable(status.value()) : retryable;
        return "{\"type\":\"" + ChatProblem.typeUri(slug) + "\",\"title\":\"" + status.getReasonPhrase()
                + "\",\"status\":" + status.value() + ",\"detail\":\"" + detail + "\",\"code\":\"" + slug
                + "\",\"retryable\":" + retry + (traceId == null ? "" : ",\"traceId\":\"" + traceId + "\"") + "}";
    }
}
