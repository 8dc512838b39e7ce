package io.parley.chat.presence;

import java.time.Instant;

/** {@code lastSeenAt}: the last connect, heartbeat or disconnect of any of the user's sessions; null when never seen. */
public record UserPresence(String userId, Status status, Instant lastSeenAt) {
}
