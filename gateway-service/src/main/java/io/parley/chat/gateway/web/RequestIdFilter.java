package io.parley.chat.gateway.web;

import java.util.UUID;
import java.util.regex.Pattern;

import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;

/**
 * Gives every request an id before anything else runs, so that even a request refused at
 * the edge (401, 413, 429) can be found in the logs by the id its response carries.
 *
 * <p>{@code X-Request-Id}: a client's own id is kept when it is short and plain (so a
 * caller can correlate its logs with ours), otherwise replaced; it goes upstream, back
 * on the response and into the access log. The trace context is the tracer's: the
 * gateway's server span continues a valid incoming {@code traceparent} or starts a trace,
 * and the routes send upstream a {@code traceparent} whose parent is the gateway's span
 * (docs/operations.md, "Tracing").
 */
@Component
public class RequestIdFilter implements WebFilter, Ordered {

    public static final String REQUEST_ID = "X-Request-Id";
    /** The W3C trace context header, which browsers may send (CORS allows it). */
    public static final String TRACEPARENT = "traceparent";
    /** The request id of an exchange, for log lines. */
    public static final String ATTRIBUTE = RequestIdFilter.class.getName() + ".id";

    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String id = requestId(request.getHeaders().getFirst(REQUEST_ID));
        exchange.getAttributes().put(ATTRIBUTE, id);
        exchange.getResponse().getHeaders().set(REQUEST_ID, id);
        ServerWebExchange tagged = exchange.mutate()
                .request(r -> r.headers(headers -> headers.set(REQUEST_ID, id)))
                .build();
        return chain.filter(tagged);
    }

    static String requestId(String offered) {
        return offered != null && SANE_ID.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
    }

    /** The id of a request, or "-" outside one. */
    public static String of(ServerWebExchange exchange) {
        String id = exchange.getAttribute(ATTRIBUTE);
        return id == null ? "-" : id;
    }
}
