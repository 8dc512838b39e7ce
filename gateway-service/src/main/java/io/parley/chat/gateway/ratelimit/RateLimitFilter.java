package io.parley.chat.gateway.ratelimit;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

import io.parley.chat.gateway.client.Client;
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
 * <p>When Redis is slow or down the request passes without a quota: a rate limit that
 * stops messaging during a Redis outage would be a bigger outage than the abuse it
 * prevents. That is logged once per {@link #OUTAGE_LOG_INTERVAL}, not once per request.
 */
@Component
class RateLimitFilter implements GlobalFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger(RateLimitFilter.class);
    static final Duration OUTAGE_LOG_INTERVAL = Duration.ofMinutes(1);
    static final String LIMIT_HEADER = "X-RateLimit-Limit";
    static final String REMAINING_HEADER = "X-RateLimit-Remaining";

    private final RedisTokenBuckets buckets;
    private final Map<String, Limit> limits;
    private final Duration redisTimeout;
    private final AtomicLong lastOutageLog = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong unlimitedSinceLog = new AtomicLong();

    RateLimitFilter(RedisTokenBuckets buckets, GatewayProperties properties) {
        this.buckets = buckets;
        this.limits = properties.rateLimits().routes();
        this.redisTimeout = properties.rateLimits().redisTimeout();
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
                .timeout(redisTimeout)
                .onErrorResume(error -> Mono.just(unlimited(error)))
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
        if (quota.known()) {
            headers.set(REMAINING_HEADER, Long.toString(quota.remaining()));
        }
        if (quota.allowed()) {
            return chain.filter(exchange);
        }
        long seconds = Math.max(1, (quota.retryAfterMillis() + 999) / 1000);
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        return ProblemResponses.write(exchange, HttpStatus.TOO_MANY_REQUESTS, "rate-limited",
                "Too many requests. Retry after " + seconds + " s.", true);
    }

    private Quota unlimited(Throwable error) {
        long now = System.nanoTime();
        long last = lastOutageLog.get();
        long passed = unlimitedSinceLog.incrementAndGet();
        if ((last == Long.MIN_VALUE || now - last >= OUTAGE_LOG_INTERVAL.toNanos()) && lastOutageLog.compareAndSet(last, now)) {
            unlimitedSinceLog.addAndGet(-passed);
            log.warn("Rate limits are not applied: Redis did not answer ({}); {} request(s) passed without a quota"
                    + " since the last report", error.toString(), passed);
        }
        return Quota.UNKNOWN;
    }
}
