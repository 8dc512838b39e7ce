package io.parley.chat.gateway.ratelimit;

import java.util.Map;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

import io.parley.chat.gateway.clientaddress.Client;
import io.parley.chat.gateway.config.GatewayProperties;
import io.parley.chat.gateway.config.GatewayProperties.Limit;
import io.parley.chat.kit.problem.ProblemResponses;
import io.parley.chat.kit.security.ChatPrincipal;
import reactor.core.publisher.Mono;

/**
 * Applies each route's quota before the request costs a service anything: per user
 * (tenant and subject of the verified token) for authenticated calls, per client
 * address for anonymous ones (register, login, refresh). Every response of a limited
 * route carries {@code X-RateLimit-Limit} and {@code X-RateLimit-Remaining}; a refused
 * request is a 429 problem detail with {@code Retry-After}.
 *
 * <p>The buckets are shared in Redis; while Redis is slow or down, each replica keeps its
 * own ({@link FailoverTokenBuckets}): a rate limit that stopped messaging during a Redis
 * outage would be a bigger outage than the abuse it prevents, and one that stopped limiting
 * would invite the abuse.
 */
@Component
class RateLimitFilter implements GlobalFilter, Ordered {

    static final String LIMIT_HEADER = "X-RateLimit-Limit";
    static final String REMAINING_HEADER = "X-RateLimit-Remaining";

    private final FailoverTokenBuckets buckets;
    private final Map<String, Limit> limits;

    RateLimitFilter(FailoverTokenBuckets buckets, GatewayProperties properties) {
        this.buckets = buckets;
        this.limits = properties.rateLimits().routes();
    }

    @Override
    public int getOrder() {
        // after UpstreamErrorFilter, before anything that talks to an upstream
        return Ordered.HIGHEST_PRECEDENCE + 100;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        Limit limit = route == null ? null : limits.get(route.getId());
        if (limit == null) {
            return chain.filter(exchange);
        }
        return caller(exchange)
                .flatMap(caller -> buckets.take(route.getId() + ":" + caller, limit))
                .flatMap(quota -> apply(exchange, chain, limit, quota));
    }

    /** {@code u:<tenant>:<user>} for a verified token, {@code a:<address>} for everyone else. */
    private static Mono<String> caller(ServerWebExchange exchange) {
        return exchange.getPrincipal()
                .ofType(JwtAuthenticationToken.class)
                .map(auth -> "u:" + auth.getToken().getClaimAsString(ChatPrincipal.TENANT_CLAIM) + ":" + subject(auth.getToken()))
                .defaultIfEmpty("a:" + Client.of(exchange).address());
    }

    private static String subject(Jwt jwt) {
        return jwt.getSubject();
    }

    private Mono<Void> apply(ServerWebExchange exchange, GatewayFilterChain chain, Limit limit, Quota quota) {
        HttpHeaders headers = exchange.getResponse().getHeaders();
        headers.set(LIMIT_HEADER, Integer.toString(limit.capacity()));
        headers.set(REMAINING_HEADER, Long.toString(quota.remaining()));
        if (quota.allowed()) {
            return chain.filter(exchange);
        }
        long seconds = Math.max(1, (quota.retryAfterMillis() + 999) / 1000);
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        return ProblemResponses.write(exchange, HttpStatus.TOO_MANY_REQUESTS, "rate-limited",
                "Too many requests. Retry after " + seconds + " s.", true);
    }
}
