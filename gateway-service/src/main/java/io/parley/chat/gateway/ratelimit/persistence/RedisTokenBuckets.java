package io.parley.chat.gateway.ratelimit.persistence;

import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

import io.parley.chat.gateway.config.GatewayProperties;
import io.parley.chat.gateway.config.GatewayProperties.Limit;
import io.parley.chat.gateway.ratelimit.Quota;
import io.parley.chat.gateway.ratelimit.TokenBuckets;
import reactor.core.publisher.Mono;

/**
 * Token buckets in Redis, so that every gateway replica draws from the same bucket: with
 * per-node counters, N replicas would each allow the full quota. One Lua script reads,
 * refills and takes atomically (no read-modify-write race between replicas), and it
 * uses Redis's own clock, so replicas with skewed clocks cannot refill a bucket early.
 * A quota that takes longer than {@code chat.gateway.rate-limits.redis-timeout} is an
 * error, which {@link FailoverTokenBuckets} answers from memory.
 */
@Component
public class RedisTokenBuckets implements TokenBuckets {

    private static final Logger log = LoggerFactory.getLogger(RedisTokenBuckets.class);
    private static final String PREFIX = "gateway:rate:";

    /**
     * Returns {allowed (0/1), whole tokens left, millis until one token}. A bucket expires
     * once it would be full again anyway, so idle callers cost no memory.
     */
    private static final RedisScript<List> TAKE = RedisScript.of("""
            local capacity = tonumber(ARGV[1])
            local rate = tonumber(ARGV[2]) / 1000
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(state[1])
            local at = tonumber(state[2])
            if tokens == nil or at == nil then
              tokens = capacity
              at = now
            end
            tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
            local allowed = 0
            local wait = 0
            if tokens >= 1 then
              allowed = 1
              tokens = tokens - 1
            else
              wait = math.ceil((1 - tokens) / rate)
            end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
            redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate) + 1000)
            return {allowed, math.floor(tokens), wait}
            """, List.class);

    private final ReactiveStringRedisTemplate redis;
    private final Duration timeout;

    public RedisTokenBuckets(ReactiveStringRedisTemplate redis, GatewayProperties properties) {
        this.redis = redis;
        this.timeout = properties.rateLimits().redisTimeout();
    }

    /**
     * Opens the shared Redis connection at startup: the first quota would otherwise pay for
     * the connection and the script load, and run past the quota timeout.
     */
    @EventListener(ApplicationReadyEvent.class)
    public void connect() {
        redis.execute(TAKE, List.of(PREFIX + "warm-up"), List.of("1", "1"))
                .subscribe(reply -> { }, error -> log.info("Redis is not reachable yet ({}): quotas come from this"
                        + " replica's memory until it is", error.toString()));
    }

    @Override
    public Mono<Quota> take(String key, Limit limit) {
        return redis.execute(TAKE, List.of(PREFIX + key),
                        List.of(Integer.toString(limit.capacity()), Double.toString(limit.perSecond())))
                // the reply arrives as one list or element by element, depending on the driver: flatten
                .<Object>flatMapIterable(reply -> reply instanceof List<?> list ? list : List.of(reply))
                .collectList()
                .map(RedisTokenBuckets::quota)
                .timeout(timeout);
    }

    private static Quota quota(List<?> reply) {
        return new Quota(number(reply.get(0)) == 1, number(reply.get(1)), number(reply.get(2)));
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : Long.parseLong(value.toString());
    }
}
