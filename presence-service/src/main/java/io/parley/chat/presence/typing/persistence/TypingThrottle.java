package io.parley.chat.presence.typing.persistence;

import java.time.Duration;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Repository;

import io.parley.chat.presence.config.PresenceProperties;
import reactor.core.publisher.Mono;

/**
 * One {@code SET NX PX} per typing frame on {@code typing:{tenant}:user:conversation}: the
 * first frame in a window takes the key and is relayed, the rest of the window finds it
 * taken. Redis decides, so the limit holds across edges and presence-service replicas.
 */
@Repository
public class TypingThrottle {

    private final ReactiveStringRedisTemplate redis;
    private final Duration window;

    public TypingThrottle(ReactiveStringRedisTemplate redis, PresenceProperties properties) {
        this.redis = redis;
        this.window = properties.typingThrottle();
    }

    /** True for the first call of a window; errors when Redis cannot be asked. */
    public Mono<Boolean> tryAcquire(String tenantId, String userId, String conversationId) {
        return redis.opsForValue().setIfAbsent(key(tenantId, userId, conversationId), "1", window);
    }

    static String key(String tenantId, String userId, String conversationId) {
        return "typing:{" + tenantId + "}:" + userId + ":" + conversationId;
    }
}
