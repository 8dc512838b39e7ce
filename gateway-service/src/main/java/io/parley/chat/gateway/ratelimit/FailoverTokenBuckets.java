package io.parley.chat.gateway.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.chat.gateway.config.GatewayProperties;
import io.parley.chat.gateway.config.GatewayProperties.Limit;
import io.parley.chat.gateway.ratelimit.persistence.RedisTokenBuckets;
import reactor.core.publisher.Mono;

/**
 * Quotas from Redis while it answers, from this replica's memory while it does not: a
 * Redis outage then weakens the limits (each replica allows a caller the full quota) but
 * never lifts them, and never stops traffic either.
 *
 * <p>A quota call that fails or passes {@code redis-timeout} is answered by
 * {@link LocalTokenBuckets} and switches this replica to them. Redis is not asked again
 * for {@code redis-retry-after}; then the next request asks it (the others keep being
 * answered locally while it waits), and one answer switches back. So an outage costs Redis
 * at most one call per replica per interval. The buckets do not carry over either way: on
 * the switch a caller starts from a full local bucket, and back on Redis from what Redis
 * holds (a full one if Redis lost its data).
 *
 * <p>Metrics: {@code chat_gateway_rate_limit_decisions_total{backend=redis|local,outcome=allowed|limited}},
 * {@code chat_gateway_rate_limit_failovers_total} (switches to memory) and
 * {@code chat_gateway_rate_limit_local} (1 while this replica decides from memory; the
 * alert ChatGatewayRateLimitLocal watches it).
 */
@Component
class FailoverTokenBuckets implements TokenBuckets {

    private static final Logger log = LoggerFactory.getLogger(FailoverTokenBuckets.class);

    private final TokenBuckets redis;
    private final LocalTokenBuckets local;
    private final long retryAfterNanos;
    private final LongSupplier nanoTime;
    private final AtomicBoolean onLocal = new AtomicBoolean();
    /** When a request may ask Redis again; taken by one request at a time (compare and set). */
    private final AtomicLong nextRedisTry = new AtomicLong();
    private final AtomicLong localSince = new AtomicLong();
    private final Counter redisAllowed;
    private final Counter redisLimited;
    private final Counter localAllowed;
    private final Counter localLimited;
    private final Counter failovers;

    @Autowired
    FailoverTokenBuckets(RedisTokenBuckets redis, GatewayProperties properties, MeterRegistry meters) {
        this(redis, properties.rateLimits().redisRetryAfter(), properties.rateLimits().localMaxBuckets(), meters,
                System::nanoTime);
    }

    FailoverTokenBuckets(TokenBuckets redis, Duration retryAfter, int localMaxBuckets, MeterRegistry meters,
            LongSupplier nanoTime) {
        this.redis = redis;
        this.local = new LocalTokenBuckets(localMaxBuckets, nanoTime);
        this.retryAfterNanos = retryAfter.toNanos();
        this.nanoTime = nanoTime;
        this.redisAllowed = decisions(meters, "redis", "allowed");
        this.redisLimited = decisions(meters, "redis", "limited");
        this.localAllowed = decisions(meters, "local", "allowed");
        this.localLimited = decisions(meters, "local", "limited");
        this.failovers = Counter.builder("chat.gateway.rate.limit.failovers")
                .description("Switches of this replica's rate limits from Redis to its own memory")
                .register(meters);
        Gauge.builder("chat.gateway.rate.limit.local", onLocal, on -> on.get() ? 1 : 0)
                .description("1 while this replica takes quotas from its own memory because Redis does not answer")
                .register(meters);
    }

    private static Counter decisions(MeterRegistry meters, String backend, String outcome) {
        return Counter.builder("chat.gateway.rate.limit.decisions")
                .tag("backend", backend)
                .tag("outcome", outcome)
                .description("Rate-limit decisions by where the bucket is kept and what it said")
                .register(meters);
    }

    @Override
    public Mono<Quota> take(String key, Limit limit) {
        if (!onLocal.get() || mayAskRedisAgain()) {
            return fromRedis(key, limit);
        }
        return Mono.fromSupplier(() -> fromMemory(key, limit));
    }

    /** True for the one request that takes the next try once the back-off has passed. */
    private boolean mayAskRedisAgain() {
        long next = nextRedisTry.get();
        long now = nanoTime.getAsLong();
        return now - next >= 0 && nextRedisTry.compareAndSet(next, now + retryAfterNanos);
    }

    private Mono<Quota> fromRedis(String key, Limit limit) {
        return redis.take(key, limit)
                .doOnNext(this::answeredByRedis)
                .onErrorResume(error -> Mono.fromSupplier(() -> {
                    redisFailed(error);
                    return fromMemory(key, limit);
                }));
    }

    private Quota fromMemory(String key, Limit limit) {
        Quota quota = local.take(key, limit);
        (quota.allowed() ? localAllowed : localLimited).increment();
        return quota;
    }

    private void answeredByRedis(Quota quota) {
        (quota.allowed() ? redisAllowed : redisLimited).increment();
        if (onLocal.compareAndSet(true, false)) {
            log.info("Redis answers again: rate limits are shared by every replica again, after {} ms from this"
                    + " replica's memory", Duration.ofNanos(nanoTime.getAsLong() - localSince.get()).toMillis());
        }
    }

    private void redisFailed(Throwable error) {
        long now = nanoTime.getAsLong();
        nextRedisTry.set(now + retryAfterNanos);
        if (onLocal.compareAndSet(false, true)) {
            localSince.set(now);
            failovers.increment();
            // the cause says what failed (refused, timed out, ...), never which caller or token
            log.warn("Redis did not answer a quota ({}): rate limits come from this replica's memory (per replica,"
                    + " not shared) until it does; asking it again every {} ms", cause(error),
                    Duration.ofNanos(retryAfterNanos).toMillis());
        } else {
            log.debug("Redis still does not answer: {}", cause(error));
        }
    }

    /** Spring's wrapper ("Redis exception") says less than what it wraps. */
    private static String cause(Throwable error) {
        return NestedExceptionUtils.getMostSpecificCause(error).toString();
    }
}
