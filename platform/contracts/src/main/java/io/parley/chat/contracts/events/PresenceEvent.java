package io.parley.chat.contracts.events;

import java.time.Instant;

/** Soft state for receipts and presence, on {@link Topics#PRESENCE}, keyed by tenant id. */
public record PresenceEvent(
        String eventId,
        Type type,
        String tenantId,
        String userId,
        String conversationId,
        String status,
        Long seq,
        Instant at) {

    public enum Type { PresenceChanged, Typing, ReadMarker }
}
