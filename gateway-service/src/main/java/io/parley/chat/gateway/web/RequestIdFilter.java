package io.parley.chat.gateway.web;

import java.security.SecureRandom;
import java.util.HexFormat;
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
 * Gives every request an id and a W3C trace context before anything else runs, so that
 * even a request refused at the edge (401, 413, 429) can be found in the logs by the id
 * its response carries.
 *
 * <p>{@code X-Request-Id}: a client's own id is kept when it is short and plain (so a
 * caller can correlate its logs with ours), otherwise replaced; it goes upstream, back
 * on the response and into the access log. {@code traceparent}: a valid incoming one
 * keeps its trace id and flags and gets the gateway's span as parent; otherwise a new
 * trace starts here. The gateway records no spans itself (no tracer): it only makes
 * sure every service sees one trace id per client request.
 */
@Component
public class RequestIdFilter implements WebFilter, Ordered {

    public static final String REQUEST_ID = "X-Request-Id";
    public static final String TRACEPARENT = "traceparent";
    /** The request id of an exchange, for log lines. */
    public static final String ATTRIBUTE = RequestIdFilter.class.getName() + ".id";

    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Pattern TRACEPARENT_V0 = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final String INVALID_TRACE = "0".repeat(32);
    private static final String INVALID_SPAN = "0".repeat(16);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String id = requestId(request.getHeaders().getFirst(REQUEST_ID));
        String traceparent = childTraceparent(request.getHeaders().getFirst(TRACEPARENT));
        exchange.getAttributes().put(ATTRIBUTE, id);
        exchange.getResponse().getHeaders().set(REQUEST_ID, id);
        ServerWebExchange tagged = exchange.mutate()
                .request(r -> r.headers(headers -> {
                    headers.set(REQUEST_ID, id);
                    headers.set(TRACEPARENT, traceparent);
                }))
                .build();
        return chain.filter(tagged);
    }

    static String requestId(String offered) {
        return offered != null && SANE_ID.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
    }

    static String childTraceparent(String incoming) {
        String traceId = null;
        String flags = "00";
        if (incoming != null) {
            var match = TRACEPARENT_V0.matcher(incoming.strip());
            if (match.matches() && !INVALID_TRACE.equals(match.group(1)) && !INVALID_SPAN.equals(match.group(2))) {
                traceId = match.group(1);
                flags = match.group(3);
            }
        }
        if (traceId == null) {
            traceId = random(16);
        }
        return "00-" + traceId + "-" + random(8) + "-" + flags;
    }

    /** The id of a request, or "-" outside one. */
    public static String of(ServerWebExchange exchange) {
        String id = exchange.getAttribute(ATTRIBUTE);
        return id == null ? "-" : id;
    }

    private static String random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return HEX.formatHex(value);
    }
}
