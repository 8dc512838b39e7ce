package io.parley.chat.contracts.events;

import java.time.Instant;
import java.util.List;

/** A change to a conversation or its members, on {@link Topics#CONVERSATIONS}, keyed by conversation id. */
public record ConversationEvent(
        String eventId,
        Type type,
        String tenantId,
        String conversationId,
        List<String> userIds,
        String role,
        Instant at) {

    public enum Type { ConversationCreated, ConversationUpdated, MemberAdded, MemberRemoved }
}
