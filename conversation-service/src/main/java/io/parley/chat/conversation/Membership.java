package io.parley.chat.conversation;

/** One of the caller's conversations with the caller's role and read marker in it. */
public record Membership(Conversation conversation, Role role, long readSeq) {

    /** Messages after the read marker; never below zero (a marker may run ahead of a head that lags the topic). */
    public long unread() {
        return Math.max(0, conversation.headSeq() - readSeq);
    }
}
