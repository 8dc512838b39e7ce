package io.parley.chat.presence;

import java.time.Instant;
import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where sessions live. A user is online while any session's expiry lies in the future,
 * so several devices count once and a crashed edge's sessions lapse by themselves.
 * Each write reports whether it changed the user's status, decided atomically with the
 * write so that concurrent edges never both report the same transition.
 */
public interface PresenceStore {

    /** Adds or refreshes a session until {@code expiresAt}; emits true when the user was offline before. */
    Mono<Boolean> touch(String tenantId, String userId, String sessionId, Instant now, Instant expiresAt);

    /** Removes a session; emits true when it was the user's last live session. */
    Mono<Boolean> remove(String tenantId, String userId, String sessionId, Instant now);

    /** The presence of each user, in the order asked. */
    Flux<UserPresence> read(String tenantId, List<String> userIds, Instant now);
}
