package io.parley.chat.kit.problem;

import java.nio.charset.StandardCharsets;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/**
 * Problem details written by filters (security, routing), which run before any handler
 * and so before the {@link ProblemHandler}. The details are fixed strings: no client input
 * is echoed.
 */
public final class ProblemResponses {

    private ProblemResponses() {
    }

    public static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String slug, String detail) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (status == HttpStatus.UNAUTHORIZED) {
            response.getHeaders().set("WWW-Authenticate", "Bearer");
        }
        String json = body(status, slug, detail, null);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(json.getBytes(StandardCharsets.UTF_8))));
    }

    /**
     * The same with {@code retryable}, which tells a client whether sending the same request
     * again later may succeed (a rate limit, a service that is down) or not.
     */
    public static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String slug, String detail,
            boolean retryable) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        String json = body(status, slug, detail, retryable);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(json.getBytes(StandardCharsets.UTF_8))));
    }

    /**
     * A problem document as JSON text, for responses written outside a
     * {@link ServerWebExchange} (a Reactor Netty route); {@code retryable} is left out when null.
     * {@code detail} is written as given: callers pass fixed texts, never request input.
     */
    public static String body(HttpStatus status, String slug, String detail, Boolean retryable) {
        return "{\"type\":\"" + ChatProblem.typeUri(slug) + "\",\"title\":\"" + status.getReasonPhrase()
                + "\",\"status\":" + status.value() + ",\"detail\":\"" + detail + "\""
                + (retryable == null ? "" : ",\"retryable\":" + retryable) + "}";
    }
}
