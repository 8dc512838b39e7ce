package io.parley.chat.contracts.events;

/**
 * Kafka topic names. Every topic is keyed so that one ordering domain stays in one
 * partition: messages and conversations by conversation id, presence by tenant id,
 * sessions by user id.
 */
public final class Topics {

    public static final String MESSAGES = "chat.messages.v1";
    public static final String CONVERSATIONS = "chat.conversations.v1";
    public static final String PRESENCE = "chat.presence.v1";
    public static final String SESSIONS = "chat.sessions.v1";

    private Topics() {
    }
}
