package io.parley.chat.conversation;

/** One of the caller's conversations with the caller's role in it. */
public record Membership(Conversation conversation, Role role) {
}
