package io.parley.chat.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.parley.chat.gateway.config.GatewayProperties.Limit;

class LocalTokenBucketsTest {

    private static final Limit FIVE_THEN_TWO_PER_SECOND = new Limit(5, 2);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LocalTokenBuckets buckets = new LocalTokenBuckets(1_000, now::get);

    @Test
    void allowsTheCapacityAtOnceThenRefusesWithTheTimeUntilTheNextToken() {
        for (int left = 4; left >= 0; left--) {
            assertThat(buckets.take("presence:u:acme:ann", FIVE_THEN_TWO_PER_SECOND))
                    .isEqualTo(new Quota(true, left, 0));
        }

        Quota refused = buckets.take("presence:u:acme:ann", FIVE_THEN_TWO_PER_SECOND);

        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfterMillis()).isEqualTo(500);
    }

    @Test
    void refillsAtTheConfiguredRateUpToTheCapacity() {
        spend("k", 5);
        assertThat(buckets.take("k", FIVE_THEN_TWO_PER_SECOND).allowed()).isFalse();

        advance(Duration.ofMillis(500));
        assertThat(buckets.take("k", FIVE_THEN_TWO_PER_SECOND)).isEqualTo(new Quota(true, 0, 0));
        assertThat(buckets.take("k", FIVE_THEN_TWO_PER_SECOND).allowed()).isFalse();

        advance(Duration.ofHours(1));
        assertThat(buckets.take("k", FIVE_THEN_TWO_PER_SECOND)).isEqualTo(new Quota(true, 4, 0));
    }

    @Test
    void eachKeyHasItsOwnBucket() {
        spend("presence:u:acme:ann", 5);

        assertThat(buckets.take("presence:u:acme:bob", FIVE_THEN_TWO_PER_SECOND)).isEqualTo(new Quota(true, 4, 0));
        assertThat(buckets.take("auth:u:acme:ann", FIVE_THEN_TWO_PER_SECOND)).isEqualTo(new Quota(true, 4, 0));
        assertThat(buckets.take("presence:u:acme:ann", FIVE_THEN_TWO_PER_SECOND).allowed()).isFalse();
    }

    @Test
    void aBucketThatHasRefilledIsForgotten() {
        spend("idle", 3);
        spend("busy", 5);
        // idle needs 1.5 s to be full again, busy 2.5 s
        advance(Duration.ofMillis(2_000));

        buckets.take("newcomer", FIVE_THEN_TWO_PER_SECOND);

        assertThat(buckets.size()).as("idle dropped, busy and newcomer kept").isEqualTo(2);
        assertThat(buckets.take("busy", FIVE_THEN_TWO_PER_SECOND)).isEqualTo(new Quota(true, 3, 0));
    }

    @Test
    void holdsAtMostTheConfiguredNumberOfBucketsDroppingTheLeastRecentlyUsed() {
        LocalTokenBuckets small = new LocalTokenBuckets(3, now::get);
        for (String key : new String[] {"a", "b", "c"}) {
            for (int i = 0; i < 5; i++) {
                small.take(key, FIVE_THEN_TWO_PER_SECOND);
            }
        }
        small.take("a", FIVE_THEN_TWO_PER_SECOND);

        small.take("d", FIVE_THEN_TWO_PER_SECOND);

        assertThat(small.size()).isEqualTo(3);
        assertThat(small.take("a", FIVE_THEN_TWO_PER_SECOND).allowed()).as("a was used recently: still empty").isFalse();
        assertThat(small.take("c", FIVE_THEN_TWO_PER_SECOND).allowed()).as("c was used recently: still empty").isFalse();
        assertThat(small.take("b", FIVE_THEN_TWO_PER_SECOND)).as("b was dropped: a full bucket again")
                .isEqualTo(new Quota(true, 4, 0));
    }

    @Test
    void aRateOfAlmostNothingNeverOverflowsIntoAnEarlyRefill() {
        Limit once = new Limit(1, 1e-12);
        assertThat(buckets.take("k", once).allowed()).isTrue();
        advance(Duration.ofDays(365));

        assertThat(buckets.take("k", once).allowed()).isFalse();
        assertThat(buckets.size()).isEqualTo(1);
    }

    private void spend(String key, int requests) {
        for (int i = 0; i < requests; i++) {
            assertThat(buckets.take(key, FIVE_THEN_TWO_PER_SECOND).allowed()).isTrue();
        }
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }
}
