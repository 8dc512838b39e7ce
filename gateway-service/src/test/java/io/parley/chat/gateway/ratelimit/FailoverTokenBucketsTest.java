package io.parley.chat.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.lettuce.core.RedisConnectionException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.chat.gateway.config.GatewayProperties.Limit;
import reactor.core.publisher.Mono;

/**
 * The switch between Redis and memory, with a stand-in for Redis (the real one is in
 * RateLimitFailoverIT): when it is asked, and what the metrics say.
 */
class FailoverTokenBucketsTest {

    private static final Limit TWO = new Limit(2, 0.001);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final AtomicLong now = new AtomicLong();
    private final StandInRedis redis = new StandInRedis();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final FailoverTokenBuckets buckets = new FailoverTokenBuckets(redis, RETRY_AFTER, 1_000, meters, now::get);

    @Test
    void whileRedisAnswersItDecides() {
        assertThat(take("k")).isEqualTo(StandInRedis.ANSWER);

        assertThat(decisions("redis", "allowed")).isEqualTo(1);
        assertThat(local()).isZero();
    }

    @Test
    void whenRedisFailsTheSameQuotaIsAppliedFromMemory() {
        redis.down.set(true);

        assertThat(take("k").allowed()).isTrue();
        assertThat(take("k").allowed()).isTrue();
        Quota third = take("k");

        assertThat(third.allowed()).isFalse();
        assertThat(third.retryAfterMillis()).isPositive();
        assertThat(decisions("local", "allowed")).isEqualTo(2);
        assertThat(decisions("local", "limited")).isEqualTo(1);
        assertThat(failovers()).isEqualTo(1);
        assertThat(local()).isEqualTo(1);
    }

    @Test
    void duringAnOutageRedisIsAskedOncePerRetryInterval() {
        redis.down.set(true);
        take("k");
        assertThat(redis.calls.get()).isEqualTo(1);

        for (int i = 0; i < 100; i++) {
            take("caller-" + i);
        }
        assertThat(redis.calls.get()).as("within the back-off").isEqualTo(1);

        now.addAndGet(RETRY_AFTER.toNanos());
        for (int i = 0; i < 100; i++) {
            take("caller-" + i);
        }
        assertThat(redis.calls.get()).as("one try after the back-off").isEqualTo(2);
        assertThat(failovers()).as("still the same outage").isEqualTo(1);
    }

    @Test
    void oneAnswerAfterTheBackOffSwitchesBackToRedis() {
        redis.down.set(true);
        take("k");
        redis.down.set(false);
        assertThat(take("k").allowed()).as("still from memory within the back-off").isTrue();
        assertThat(redis.calls.get()).isEqualTo(1);

        now.addAndGet(RETRY_AFTER.toNanos());
        assertThat(take("k")).isEqualTo(StandInRedis.ANSWER);
        assertThat(take("k")).isEqualTo(StandInRedis.ANSWER);

        assertThat(local()).isZero();
        assertThat(decisions("redis", "allowed")).isEqualTo(2);
        assertThat(decisions("local", "allowed")).isEqualTo(2);
    }

    @Test
    void aSecondOutageIsASecondFailover() {
        redis.down.set(true);
        take("k");
        redis.down.set(false);
        now.addAndGet(RETRY_AFTER.toNanos());
        take("k");
        redis.down.set(true);

        take("k");

        assertThat(failovers()).isEqualTo(2);
        assertThat(local()).isEqualTo(1);
    }

    private Quota take(String key) {
        return buckets.take(key, TWO).block(Duration.ofSeconds(5));
    }

    private double decisions(String backend, String outcome) {
        return meters.get("chat.gateway.rate.limit.decisions").tag("backend", backend).tag("outcome", outcome)
                .counter().count();
    }

    private double failovers() {
        return meters.get("chat.gateway.rate.limit.failovers").counter().count();
    }

    private double local() {
        return meters.get("chat.gateway.rate.limit.local").gauge().value();
    }

    /** Answers every quota with the same allowance, or fails as a disconnected Lettuce client does. */
    private static final class StandInRedis implements TokenBuckets {

        static final Quota ANSWER = new Quota(true, 41, 0);

        final AtomicBoolean down = new AtomicBoolean();
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public Mono<Quota> take(String key, Limit limit) {
            calls.incrementAndGet();
            return down.get() ? Mono.error(new RedisConnectionException("Connection closed")) : Mono.just(ANSWER);
        }
    }
}
