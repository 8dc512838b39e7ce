package io.parley.chat.gateway.web;

import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import io.parley.chat.gateway.clientaddress.Client;
import reactor.core.publisher.Mono;

/**
 * Browser hardening on every response, whoever produced it (a service, the gateway's own
 * pages, an error): no MIME sniffing, no referrer, no framing, and a Content Security
 * Policy. HSTS only when the client reached the edge over TLS (directly or through a
 * trusted proxy that says so): sent over plain HTTP it would be ignored at best, and
 * would pin a local run to HTTPS at worst.
 */
@Component
class SecurityHeadersFilter implements WebFilter, Ordered {

    /** The gateway's own pages (the web client): same-origin scripts and WebSocket, nothing inline. */
    static final String PAGE_POLICY = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
            + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
    /**
     * The API documentation page: as {@link #PAGE_POLICY}, plus inline styles, which the
     * Swagger UI bundle sets on its elements. No inline or remote scripts.
     */
    static final String DOCS_POLICY = "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
            + "style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
    /** API responses (JSON) load nothing and are never framed. */
    static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";
    static final String HSTS = "max-age=31536000; includeSubDomains";

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        exchange.getResponse().beforeCommit(() -> Mono.fromRunnable(() -> harden(exchange)));
        return chain.filter(exchange);
    }

    private static void harden(ServerWebExchange exchange) {
        HttpHeaders headers = exchange.getResponse().getHeaders();
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Content-Security-Policy", policy(exchange));
        if (Client.of(exchange).secure()) {
            headers.set("Strict-Transport-Security", HSTS);
        } else {
            headers.remove("Strict-Transport-Security");
        }
    }

    private static String policy(ServerWebExchange exchange) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR) != null || path.startsWith("/api/")
                || path.startsWith("/.well-known/") || path.startsWith("/actuator/") || path.startsWith("/internal/")) {
            return API_POLICY;
        }
        if (path.equals("/docs") || path.startsWith("/docs/")) {
            return DOCS_POLICY;
        }
        return PAGE_POLICY;
    }
}
