package io.parley.chat.presence.persistence;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Repository;

import io.parley.chat.presence.PresenceStore;
import io.parley.chat.presence.Status;
import io.parley.chat.presence.UserPresence;
import io.parley.chat.presence.config.PresenceProperties;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sessions in Redis. {@code presence:{tenant}:user} is a sorted set of session ids scored
 * by expiry (epoch ms) whose key lives as long as its latest session; {@code lastseen:{tenant}:user}
 * holds the epoch ms of the last connect, heartbeat or disconnect. The tenant is the hash
 * tag, so a user's keys, and all users of one tenant, share a cluster slot and one script
 * can read or write them together. Each write is one script, so deciding "was offline" and
 * changing it are atomic even when several edges write for the same user at once.
 */
@Repository
class RedisPresenceStore implements PresenceStore {

    /** KEYS: presence, lastseen. ARGV: now, expiresAt, sessionId, sessionTtl, lastSeenTtl (ms). Returns 1 if the user was offline. */
    private static final RedisScript<Long> TOUCH = RedisScript.of("""
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
            local live = redis.call('ZCARD', KEYS[1])
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
            if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[4]) then
              redis.call('PEXPIRE', KEYS[1], ARGV[4])
            end
            redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[5])
            if live == 0 then return 1 end
            return 0
            """, Long.class);

    /** KEYS: presence, lastseen. ARGV: now, sessionId, lastSeenTtl (ms). Returns 1 if a live session was the last one. */
    private static final RedisScript<Long> REMOVE = RedisScript.of("""
            local score = redis.call('ZSCORE', KEYS[1], ARGV[2])
            local wasLive = score and tonumber(score) > tonumber(ARGV[1])
            redis.call('ZREM', KEYS[1], ARGV[2])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
            if not wasLive then return 0 end
            redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
            if redis.call('ZCARD', KEYS[1]) == 0 then return 1 end
            return 0
            """, Long.class);

    /**
     * KEYS: presence and lastseen per user, in pairs. ARGV: now. Returns "live:lastSeen" per
     * user joined by commas (numbers only), one round trip for the whole request.
     */
    private static final RedisScript<String> READ = RedisScript.of("""
            local out = {}
            for i = 1, #KEYS, 2 do
              local live = redis.call('ZCOUNT', KEYS[i], '(' .. ARGV[1], '+inf')
              local seen = redis.call('GET', KEYS[i + 1]) or ''
              out[#out + 1] = live .. ':' .. seen
            end
            return table.concat(out, ',')
            """, String.class);

    private final ReactiveStringRedisTemplate redis;
    private final PresenceProperties properties;

    RedisPresenceStore(ReactiveStringRedisTemplate redis, PresenceProperties properties) {
        this.redis = redis;
        this.properties = properties;
    }

    @Override
    public Mono<Boolean> touch(String tenantId, String userId, String sessionId, Instant now, Instant expiresAt) {
        Duration ttl = Duration.between(now, expiresAt);
        return redis.execute(TOUCH, keys(tenantId, userId), List.of(millis(now), millis(expiresAt), sessionId,
                        Long.toString(ttl.toMillis()), Long.toString(properties.lastSeenTtl().toMillis())))
                .next()
                .map(result -> result == 1L);
    }

    @Override
    public Mono<Boolean> remove(String tenantId, String userId, String sessionId, Instant now) {
        return redis.execute(REMOVE, keys(tenantId, userId), List.of(millis(now), sessionId,
                        Long.toString(properties.lastSeenTtl().toMillis())))
                .next()
                .map(result -> result == 1L);
    }

    @Override
    public Flux<UserPresence> read(String tenantId, List<String> userIds, Instant now) {
        if (userIds.isEmpty()) {
            return Flux.empty();
        }
        List<String> keys = new ArrayList<>(userIds.size() * 2);
        userIds.forEach(userId -> keys.addAll(keys(tenantId, userId)));
        return redis.execute(READ, keys, List.of(millis(now)))
                .next()
                .flatMapIterable(reply -> parse(userIds, reply));
    }

    private static List<UserPresence> parse(List<String> userIds, String reply) {
        String[] entries = reply.split(",", -1);
        List<UserPresence> result = new ArrayList<>(userIds.size());
        for (int i = 0; i < userIds.size(); i++) {
            String entry = entries[i];
            int colon = entry.indexOf(':');
            boolean online = Long.parseLong(entry.substring(0, colon)) > 0;
            String seen = entry.substring(colon + 1);
            result.add(new UserPresence(userIds.get(i), online ? Status.ONLINE : Status.OFFLINE,
                    seen.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(seen))));
        }
        return result;
    }

    static List<String> keys(String tenantId, String userId) {
        String tag = "{" + tenantId + "}:" + userId;
        return List.of("presence:" + tag, "lastseen:" + tag);
    }

    private static String millis(Instant instant) {
        return Long.toString(instant.toEpochMilli());
    }
}
