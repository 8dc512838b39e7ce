package io.parley.chat.presence;

import java.time.Instant;
import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where sessions live. A user is online while any session's expiry lies in the future,
 * so several devices count once and a crashed edge's sessions lapse by themselves.
 * Besides the sessions the store keeps the status last announced for each user; each
 * write reports whether it changed that announced status, decided atomically with the
 * write, so that concurrent edges and several presence-service replicas never both
 * report the same transition.
 */
public interface PresenceStore {

    /** Adds or refreshes a session until {@code expiresAt}; emits true when the user was announced offline before. */
    Mono<Boolean> touch(String tenantId, String userId, String sessionId, Instant now, Instant expiresAt);

    /**
     * Removes a session; when it leaves the user without live sessions and the user was
     * announced online, emits the user's last-seen instant (the offline transition), else nothing.
     */
    Mono<Instant> remove(String tenantId, String userId, String sessionId, Instant now);

    /** The presence of each user, in the order asked. */
    Flux<UserPresence> read(String tenantId, List<String> userIds, Instant now);

    /**
     * Announces offline every user whose sessions have all lapsed by {@code now}: each
     * lapse is taken by exactly one caller, however many replicas sweep at once.
     */
    Mono<Sweep> sweep(Instant now);

    /** A user whose last session lapsed without a goodbye. */
    record Lapse(String tenantId, String userId, Instant lastSeenAt) {
    }

    /** @param onlineUsers users announced online after the sweep, over all tenants */
    record Sweep(List<Lapse> lapses, long onlineUsers) {
    }
}
