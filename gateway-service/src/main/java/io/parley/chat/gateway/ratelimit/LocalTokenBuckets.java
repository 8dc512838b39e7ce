package io.parley.chat.gateway.ratelimit;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import io.parley.chat.gateway.config.GatewayProperties.Limit;

/**
 * Token buckets in this replica's memory, for while Redis cannot be asked: the same
 * refill arithmetic as {@link RedisTokenBuckets}'s script, under the same keys, so a
 * caller meets the same quota, only per replica instead of shared.
 *
 * <p>Memory is bounded twice. A bucket that has refilled to capacity says nothing a fresh
 * one would not, so it is dropped (as Redis expires it); the least recently used buckets
 * are checked first, on every take. And at most {@code maxBuckets} are held: past that
 * the least recently used is dropped, which can only give that caller a full bucket early,
 * never refuse anyone wrongly. One bucket costs about 200 bytes with its key.
 *
 * <p>One lock guards the map: a take is a few arithmetic operations, and this path only
 * runs while Redis is unavailable.
 */
final class LocalTokenBuckets {

    private static final double NANOS_PER_SECOND = 1_000_000_000d;
    private static final double NANOS_PER_MILLI = 1_000_000d;

    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets;

    LocalTokenBuckets(int maxBuckets, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        // access order: iteration starts at the least recently used bucket
        this.buckets = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > maxBuckets;
            }
        };
    }

    synchronized Quota take(String key, Limit limit) {
        long now = nanoTime.getAsLong();
        dropRefilled(now);
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(limit.capacity(), now));
        return bucket.take(limit, now);
    }

    synchronized int size() {
        return buckets.size();
    }

    /** Drops full buckets from the least recently used end, up to the first one still refilling. */
    private void dropRefilled(long now) {
        Iterator<Bucket> eldestFirst = buckets.values().iterator();
        while (eldestFirst.hasNext() && eldestFirst.next().fullAt - now <= 0) {
            eldestFirst.remove();
        }
    }

    private static final class Bucket {

        private double tokens;
        private long at;
        private long fullAt;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
            this.fullAt = at;
        }

        Quota take(Limit limit, long now) {
            double perNano = limit.perSecond() / NANOS_PER_SECOND;
            tokens = Math.min(limit.capacity(), tokens + Math.max(0, now - at) * perNano);
            at = now;
            boolean allowed = tokens >= 1;
            long waitMillis = 0;
            if (allowed) {
                tokens -= 1;
            } else {
                waitMillis = (long) Math.ceil((1 - tokens) / perNano / NANOS_PER_MILLI);
            }
            // compared as a difference (fullAt - now), which stays right even where the sum wraps
            fullAt = now + (long) Math.ceil((limit.capacity() - tokens) / perNano);
            return new Quota(allowed, (long) Math.floor(tokens), waitMillis);
        }
    }
}
