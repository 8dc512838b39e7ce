package io.parley.chat.contracts.events;

/**
 * Kafka topic names. Every topic is keyed so that one ordering domain stays in one
 * partition: messages and conversations by conversation id, presence by tenant id.
 */
public final class Topics {

    public static final String MESSAGES = "chat.messages.v1";
    public static final String CONVERSATIONS = "chat.conversations.v1";
    public static final String PRESENCE = "chat.presence.v1";

    private Topics() {
    }
}
