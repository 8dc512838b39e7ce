package io.parley.chat.edge.presence;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.springframework.stereotype.Component;

import io.parley.chat.edge.session.ClientSession;

/**
 * Which sockets on this edge watch whose presence ({@code presence.watch}), so that a
 * {@code PresenceChanged} event finds its watchers without visiting every socket. Keyed
 * by tenant and user: a watch never crosses tenants, as presence-service only answers
 * for the caller's tenant.
 */
@Component
public class PresenceWatchers {

    private final ConcurrentMap<String, Set<ClientSession>> byUser = new ConcurrentHashMap<>();

    /** False, and nothing watched, when the socket would follow more than {@code cap} users. */
    public boolean watch(ClientSession session, List<String> userIds, int cap) {
        if (!session.watch(userIds, cap)) {
            return false;
        }
        String tenantId = session.principal().tenantId();
        userIds.forEach(user -> byUser.computeIfAbsent(key(tenantId, user), k -> ConcurrentHashMap.newKeySet()).add(session));
        if (session.ended()) {
            // released while this watch was on its way: do not keep a closed socket reachable
            release(session);
        }
        return true;
    }

    public void release(ClientSession session) {
        String tenantId = session.principal().tenantId();
        for (String user : session.watched()) {
            byUser.computeIfPresent(key(tenantId, user), (k, sessions) -> {
                sessions.remove(session);
                return sessions.isEmpty() ? null : sessions;
            });
        }
    }

    public Set<ClientSession> of(String tenantId, String userId) {
        return byUser.getOrDefault(key(tenantId, userId), Set.of());
    }

    private static String key(String tenantId, String userId) {
        return tenantId + "/" + userId;
    }
}
