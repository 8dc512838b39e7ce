package io.parley.chat.gateway.clientaddress;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import io.parley.chat.gateway.config.GatewayProperties;
import reactor.core.publisher.Mono;

/**
 * Resolves the {@link Client} of every request before anything else looks at it (rate
 * limits, HSTS, the headers relayed upstream).
 *
 * <p>{@code X-Forwarded-For} is read only when the connection comes from a configured
 * trusted proxy, and then from the right: each trusted proxy appends the address it saw,
 * so the rightmost entry that is not itself a trusted proxy is the client. Entries to its
 * left were written by the client and could be anything; taking the leftmost would let
 * an attacker pick a fresh address (a fresh rate-limit bucket) for every request.
 */
@Component
class ClientFilter implements WebFilter, Ordered {

    /** Before Spring Security's chain (-100) and everything that uses the client. */
    static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    private final TrustedProxies trustedProxies;

    ClientFilter(GatewayProperties properties) {
        this.trustedProxies = new TrustedProxies(properties.trustedProxies());
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        exchange.getAttributes().put(Client.ATTRIBUTE, resolve(exchange.getRequest()));
        return chain.filter(exchange);
    }

    Client resolve(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        String peer = remote == null || remote.getAddress() == null ? "unknown" : remote.getAddress().getHostAddress();
        boolean tls = request.getSslInfo() != null;
        if (!trustedProxies.trusts(peer)) {
            return new Client(peer, tls);
        }
        String proto = request.getHeaders().getFirst("X-Forwarded-Proto");
        boolean secure = tls || (proto != null && "https".equalsIgnoreCase(proto.strip()));
        return new Client(forwardedClient(request, peer), secure);
    }

    private String forwardedClient(ServerHttpRequest request, String peer) {
        List<String> hops = new ArrayList<>();
        for (String header : request.getHeaders().getValuesAsList("X-Forwarded-For")) {
            for (String hop : StringUtils.commaDelimitedListToStringArray(header)) {
                hops.add(hop.strip());
            }
        }
        String client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (!TrustedProxies.isIpLiteral(hop)) {
                // garbage where a proxy should have written an address: the last proxy we trust is all we know
                return client;
            }
            client = hop;
            if (!trustedProxies.trusts(hop)) {
                return client;
            }
        }
        return client;
    }
}
