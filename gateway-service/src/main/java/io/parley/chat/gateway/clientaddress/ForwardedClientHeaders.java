package io.parley.chat.gateway.clientaddress;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Tells the services who the client is: {@code X-Forwarded-For} and {@code X-Real-IP}
 * name the resolved client address, {@code X-Forwarded-Proto} how it reached the edge.
 *
 * <p>Spring Cloud Gateway drops the client's own forwarding headers (no
 * {@code spring.cloud.gateway...trusted-proxies} is set), and this filter runs after it.
 * auth-service's per-address login limit reads the last entry of {@code X-Forwarded-For}
 * from a trusted proxy (the gateway), so the header carries exactly one entry: the client
 * as the gateway resolved it, never a value the client chose.
 */
@Component
class ForwardedClientHeaders implements HttpHeadersFilter, Ordered {

    @Override
    public int getOrder() {
        // after RemoveXForwardedHeadersFilter and RemoveForwardedHeadersFilter (0)
        return 100;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        Client client = Client.of(exchange);
        HttpHeaders headers = HttpHeaders.copyOf(input);
        headers.set("X-Forwarded-For", client.address());
        headers.set("X-Real-IP", client.address());
        headers.set("X-Forwarded-Proto", client.secure() ? "https" : "http");
        return headers;
    }
}
