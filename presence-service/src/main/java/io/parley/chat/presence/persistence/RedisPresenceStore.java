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
 * Sessions in Redis. Per user: {@code presence:{tenant}:user} is a sorted set of session
 * ids scored by expiry (epoch ms) whose key lives as long as its latest session;
 * {@code lastseen:{tenant}:user} holds the epoch ms of the last connect, heartbeat or
 * disconnect. Per tenant: {@code online:{tenant}} is the sorted set of users announced
 * online, scored by the expiry of their latest session, which is what the sweeper reads.
 * The tenant is the hash tag, so all keys of one tenant share a cluster slot and one
 * script can read or write them together. Each write is one script, so deciding "was
 * offline" and changing it are atomic even when several edges or replicas act at once.
 * <p>
 * {@code presence:tenants} (the only key without a tenant tag) lists the tenants that may
 * have users announced online, so that a sweep does not have to SCAN the keyspace.
 */
@Repository
class RedisPresenceStore implements PresenceStore {

    static final String TENANTS = "presence:tenants";

    /** Users whose lapse is decided per tenant per sweep; the rest wait for the next sweep. */
    private static final int SWEEP_BATCH = 1000;

    /**
     * KEYS: presence, lastseen, online. ARGV: now, expiresAt, sessionId, sessionTtl, lastSeenTtl (ms), userId.
     * Returns 1 if the user was not announced online. A user whose sessions lapsed but whom
     * no sweep has announced offline yet stays online: a reconnect within the sweep
     * interval is no transition, so no offline is ever skipped or doubled.
     */
    private static final RedisScript<Long> TOUCH = RedisScript.of("""
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
            if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[4]) then
              redis.call('PEXPIRE', KEYS[1], ARGV[4])
            end
            redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[5])
            local latest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
            return redis.call('ZADD', KEYS[3], latest[2], ARGV[6])
            """, Long.class);

    /**
     * KEYS: presence, lastseen, online. ARGV: now, sessionId, lastSeenTtl (ms), userId.
     * Returns the last-seen epoch ms (0 when unknown) if the user goes offline, else -1.
     */
    private static final RedisScript<Long> REMOVE = RedisScript.of("""
            local score = redis.call('ZSCORE', KEYS[1], ARGV[2])
            local wasLive = score and tonumber(score) > tonumber(ARGV[1])
            redis.call('ZREM', KEYS[1], ARGV[2])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
            if wasLive then
              redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
            end
            if redis.call('ZCARD', KEYS[1]) > 0 then return -1 end
            if redis.call('ZREM', KEYS[3], ARGV[4]) == 0 then return -1 end
            return tonumber(redis.call('GET', KEYS[2]) or '0')
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

    /**
     * KEYS: online. ARGV: now, batch, tenantId. Takes the users due by {@code now}; one whose
     * sessions all lapsed leaves the online set (so exactly one sweeper reports it), one
     * who heartbeated in between is rescored. Returns "onlineCount" and "user:lastSeen" lines
     * (user ids come from tokens, so the separator is one no id contains).
     * The user keys are derived here rather than passed in KEYS because they are only known
     * after the range read; they carry the same hash tag, so they live in this key's slot.
     */
    private static final RedisScript<String> SWEEP = RedisScript.of("""
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
            local out = {}
            for _, user in ipairs(due) do
              local tag = '{' .. ARGV[3] .. '}:' .. user
              local sessions = 'presence:' .. tag
              redis.call('ZREMRANGEBYSCORE', sessions, '-inf', ARGV[1])
              local latest = redis.call('ZRANGE', sessions, -1, -1, 'WITHSCORES')
              if latest[2] then
                redis.call('ZADD', KEYS[1], latest[2], user)
              else
                redis.call('ZREM', KEYS[1], user)
                out[#out + 1] = user .. ':' .. (redis.call('GET', 'lastseen:' .. tag) or '')
              end
            end
            return redis.call('ZCARD', KEYS[1]) .. '\\n' .. table.concat(out, '\\n')
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
        return redis.execute(TOUCH, userKeys(tenantId, userId), List.of(millis(now), millis(expiresAt), sessionId,
                        Long.toString(ttl.toMillis()), Long.toString(properties.lastSeenTtl().toMillis()), userId))
                .next()
                .map(added -> added == 1L)
                // after the script: a sweeper that drops the tenant re-checks its online set afterwards
                .flatMap(cameOnline -> cameOnline
                        ? redis.opsForSet().add(TENANTS, tenantId).thenReturn(true)
                        : Mono.just(false));
    }

    @Override
    public Mono<Instant> remove(String tenantId, String userId, String sessionId, Instant now) {
        return redis.execute(REMOVE, userKeys(tenantId, userId), List.of(millis(now), sessionId,
                        Long.toString(properties.lastSeenTtl().toMillis()), userId))
                .next()
                .filter(seen -> seen >= 0)
                .map(seen -> seen == 0 ? now : Instant.ofEpochMilli(seen));
    }

    @Override
    public Flux<UserPresence> read(String tenantId, List<String> userIds, Instant now) {
        if (userIds.isEmpty()) {
            return Flux.empty();
        }
        List<String> keys = new ArrayList<>(userIds.size() * 2);
        userIds.forEach(userId -> {
            keys.add(sessionsKey(tenantId, userId));
            keys.add(lastSeenKey(tenantId, userId));
        });
        return redis.execute(READ, keys, List.of(millis(now)))
                .next()
                .flatMapIterable(reply -> parse(userIds, reply));
    }

    @Override
    public Mono<Sweep> sweep(Instant now) {
        return redis.opsForSet().members(TENANTS)
                .flatMap(tenantId -> sweepTenant(tenantId, now), 8)
                .collectList()
                .map(RedisPresenceStore::merge);
    }

    private Mono<Sweep> sweepTenant(String tenantId, Instant now) {
        return redis.execute(SWEEP, List.of(onlineKey(tenantId)),
                        List.of(millis(now), Integer.toString(SWEEP_BATCH), tenantId))
                .next()
                .map(reply -> parseSweep(tenantId, reply))
                .flatMap(sweep -> sweep.onlineUsers() == 0 ? forgetTenant(tenantId).thenReturn(sweep) : Mono.just(sweep));
    }

    /**
     * Drops a tenant without online users from the sweep list, then re-adds it if a
     * connect slipped in: a connect adds to the online set before it adds the tenant,
     * so either this re-check sees the user or the connect's add comes after the removal.
     */
    private Mono<Void> forgetTenant(String tenantId) {
        return redis.opsForSet().remove(TENANTS, tenantId)
                .then(redis.opsForZSet().size(onlineKey(tenantId)))
                .flatMap(count -> count > 0 ? redis.opsForSet().add(TENANTS, tenantId).then() : Mono.empty());
    }

    private static Sweep parseSweep(String tenantId, String reply) {
        String[] lines = reply.split("\n");
        long online = Long.parseLong(lines[0]);
        List<Lapse> lapses = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String entry = lines[i];
            if (!entry.isEmpty()) {
                int colon = entry.lastIndexOf(':');
                String seen = entry.substring(colon + 1);
                lapses.add(new Lapse(tenantId, entry.substring(0, colon),
                        seen.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(seen))));
            }
        }
        return new Sweep(lapses, online);
    }

    private static Sweep merge(List<Sweep> sweeps) {
        List<Lapse> lapses = new ArrayList<>();
        long online = 0;
        for (Sweep sweep : sweeps) {
            lapses.addAll(sweep.lapses());
            online += sweep.onlineUsers();
        }
        return new Sweep(lapses, online);
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

    private static List<String> userKeys(String tenantId, String userId) {
        return List.of(sessionsKey(tenantId, userId), lastSeenKey(tenantId, userId), onlineKey(tenantId));
    }

    static String sessionsKey(String tenantId, String userId) {
        return "presence:{" + tenantId + "}:" + userId;
    }

    static String lastSeenKey(String tenantId, String userId) {
        return "lastseen:{" + tenantId + "}:" + userId;
    }

    static String onlineKey(String tenantId) {
        return "online:{" + tenantId + "}";
    }

    private static String millis(Instant instant) {
        return Long.toString(instant.toEpochMilli());
    }
}
