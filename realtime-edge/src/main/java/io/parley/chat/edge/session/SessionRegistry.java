package io.parley.chat.edge.session;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.springframework.stereotype.Component;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The sockets on this edge by user, and the memberships revoked recently. A revocation is
 * remembered for a while so that a subscribe that was already on its way when the member
 * was removed (its history read authorized just before) cannot go live afterwards.
 */
@Component
public class SessionRegistry {

    private static final Duration REMEMBER_REVOCATION = Duration.ofMinutes(2);

    private final ConcurrentMap<String, Set<ClientSession>> byUser = new ConcurrentHashMap<>();
    private final Cache<String, Boolean> revoked = Caffeine.newBuilder()
            .expireAfterWrite(REMEMBER_REVOCATION).maximumSize(100_000).build();

    public void add(ClientSession session) {
        byUser.computeIfAbsent(key(session), k -> ConcurrentHashMap.newKeySet()).add(session);
    }

    public void remove(ClientSession session) {
        byUser.computeIfPresent(key(session), (k, sessions) -> {
            sessions.remove(session);
            return sessions.isEmpty() ? null : sessions;
        });
    }

    public Set<ClientSession> of(String tenantId, String userId) {
        return ofUser(userKey(tenantId, userId));
    }

    /** The user's sockets by {@link #userKey}: a caller that keeps the key pays no concatenation per lookup. */
    Set<ClientSession> ofUser(String userKey) {
        return byUser.getOrDefault(userKey, Set.of());
    }

    /** How a user is named here and in {@link ActivityIndex}: tenant and user id. */
    static String userKey(String tenantId, String userId) {
        return tenantId + "/" + userId;
    }

    /** Every socket on this edge, at this moment. */
    java.util.List<ClientSession> all() {
        return byUser.values().stream().flatMap(Set::stream).toList();
    }

    /** Visits every socket on this edge without copying them into a list (the clock does this twice a second). */
    public void forEach(java.util.function.Consumer<ClientSession> visitor) {
        byUser.values().forEach(sockets -> sockets.forEach(visitor));
    }

    public int count(String tenantId, String userId) {
        return of(tenantId, userId).size();
    }

    public void revoke(String tenantId, String userId, String conversationId) {
        revoked.put(tenantId + "/" + userId + "/" + conversationId, Boolean.TRUE);
    }

    public void restore(String tenantId, String userId, String conversationId) {
        revoked.invalidate(tenantId + "/" + userId + "/" + conversationId);
    }

    public boolean isRevoked(String tenantId, String userId, String conversationId) {
        return revoked.getIfPresent(tenantId + "/" + userId + "/" + conversationId) != null;
    }

    private static String key(ClientSession session) {
        return userKey(session.principal().tenantId(), session.principal().userId());
    }
}
