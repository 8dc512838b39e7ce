package io.parley.chat.conversation;

public enum ConversationType {
    /** Exactly two people; one conversation per pair and tenant. */
    DIRECT,
    GROUP,
    CHANNEL
}
