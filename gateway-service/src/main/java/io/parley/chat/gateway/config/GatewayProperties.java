package io.parley.chat.gateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import org.hibernate.validator.constraints.time.DurationMin;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

/**
 * What the gateway does at the edge, besides routing.
 *
 * @param trustedProxies CIDRs (or single addresses) of the proxies in front of the gateway (a
 *                       load balancer, an ingress) whose {@code X-Forwarded-For} and
 *                       {@code X-Forwarded-Proto} are believed; empty when clients connect directly
 * @param allowedOrigins browser origins allowed to call the API cross-origin (CORS)
 * @param maxRequestSize the largest request body the gateway forwards; larger ones are a 413
 * @param rateLimits     per-route request quotas kept in Redis (in memory while Redis does not answer)
 * @param circuitBreaker when to stop calling a failing service for a while (each route has its own breaker)
 * @param drainGrace     on shutdown, how long the gateway waits after telling its proxied WebSocket
 *                       clients to {@code reconnect} before it closes what is still open (1001)
 */
@Validated
@ConfigurationProperties("chat.gateway")
public record GatewayProperties(
        @DefaultValue({}) List<String> trustedProxies,
        @DefaultValue({}) List<String> allowedOrigins,
        @NotNull @DefaultValue("64KB") DataSize maxRequestSize,
        @Valid @NotNull @DefaultValue RateLimits rateLimits,
        @Valid @NotNull @DefaultValue CircuitBreaker circuitBreaker,
        @NotNull @DurationMin(millis = 0) @DefaultValue("10s") Duration drainGrace) {

    /**
     * A route's breaker opens when at least {@code failureRatePercent} of the last
     * {@code window} calls (and at least {@code minimumCalls}) failed to reach the service
     * (refused, timed out, hung up); it then answers 503 at once for {@code openFor}, and
     * lets {@code halfOpenCalls} through to probe before it closes again. 4xx and 5xx
     * answers are answers, not failures: the service is up.
     */
    public record CircuitBreaker(
            @Min(1) @DefaultValue("50") int failureRatePercent,
            @Min(1) @DefaultValue("20") int window,
            @Min(1) @DefaultValue("10") int minimumCalls,
            @NotNull @DefaultValue("10s") Duration openFor,
            @Min(1) @DefaultValue("3") int halfOpenCalls) {
    }

    /**
     * @param redisTimeout    how long a request waits for its quota from Redis before this
     *                        replica's own buckets decide it (Redis slow or down: messaging
     *                        must not stop, and limits must still apply)
     * @param redisRetryAfter after Redis failed or was late, how long quotas come from this
     *                        replica's memory before one request asks Redis again
     * @param localMaxBuckets the most callers' buckets a replica keeps in memory meanwhile
     *                        (about 200 bytes each); past that the least recently used goes
     * @param routes          the quota of each route id; a route without one is not limited
     */
    public record RateLimits(
            @NotNull @DurationMin(millis = 1) @DefaultValue("250ms") Duration redisTimeout,
            @NotNull @DurationMin(millis = 1) @DefaultValue("5s") Duration redisRetryAfter,
            @Min(1) @DefaultValue("100000") int localMaxBuckets,
            @DefaultValue({}) Map<String, @Valid Limit> routes) {
    }

    /**
     * A token bucket per caller (the user for authenticated calls, the client address for
     * anonymous ones): {@code capacity} requests at once, refilled at {@code perSecond}.
     */
    public record Limit(@Min(1) int capacity, @Positive double perSecond) {
    }
}
