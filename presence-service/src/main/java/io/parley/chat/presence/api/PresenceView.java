package io.parley.chat.presence.api;

import java.time.Instant;

import io.parley.chat.presence.UserPresence;

record PresenceView(String userId, String status, Instant lastSeenAt) {

    static PresenceView of(UserPresence presence) {
        return new PresenceView(presence.userId(), presence.status().wire(), presence.lastSeenAt());
    }
}
