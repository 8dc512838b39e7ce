package io.parley.chat.contracts.frames;

import java.time.Instant;

/**
 * Frames the server writes on {@code /ws}. Each carries its {@code type} as the first
 * field so that a client can switch on it; replies to a request carry the request's
 * {@code id}.
 */
public final class ServerFrames {

    private ServerFrames() {
    }

    public record Message(String type, String conversationId, long seq, String event, String messageId,
                          String senderId, String clientMsgId, String body, Instant createdAt, Instant editedAt) {
        public Message(String conversationId, long seq, String event, String messageId, String senderId,
                       String clientMsgId, String body, Instant createdAt, Instant editedAt) {
            this("message", conversationId, seq, event, messageId, senderId, clientMsgId, body, createdAt, editedAt);
        }
    }

    public record Ack(String type, String id, String clientMsgId, String messageId, long seq, Instant createdAt) {
        public Ack(String id, String clientMsgId, String messageId, long seq, Instant createdAt) {
            this("ack", id, clientMsgId, messageId, seq, createdAt);
        }
    }

    public record Subscribed(String type, String id, String conversationId, long headSeq) {
        public Subscribed(String id, String conversationId, long headSeq) {
            this("subscribed", id, conversationId, headSeq);
        }
    }

    public record Unsubscribed(String type, String id, String conversationId) {
        public Unsubscribed(String id, String conversationId) {
            this("unsubscribed", id, conversationId);
        }
    }

    public record Pong(String type, String id) {
        public Pong(String id) {
            this("pong", id);
        }
    }

    /**
     * {@code legacyCode} is the old underscore spelling of {@code code} where it differs
     * ({@code not_found} beside {@code not-found}), null otherwise and then left out of the
     * frame; it goes in protocol v2.
     */
    @SuppressWarnings("removal")
    public record Error(String type, String id, String code, String message, boolean retryable, String legacyCode) {
        public Error(String id, ErrorCode code, String message) {
            this("error", id, code.wire(), message, code.retryable(), code.legacyWire());
        }
    }

    /** Something changed about a conversation: {@code member.added}, {@code member.removed} or {@code updated}. */
    public record Conversation(String type, String conversationId, String event, java.util.List<String> userIds) {
        public Conversation(String conversationId, String event, java.util.List<String> userIds) {
            this("conversation", conversationId, event, userIds);
        }
    }

    public record AuthOk(String type, String id) {
        public AuthOk(String id) {
            this("auth.ok", id);
        }
    }

    public record Reconnect(String type) {
        public Reconnect() {
            this("reconnect");
        }
    }

    /** Something new in a conversation the socket is not subscribed to: its log now reaches {@code headSeq}. */
    public record Activity(String type, String conversationId, long headSeq) {
        public Activity(String conversationId, long headSeq) {
            this("activity", conversationId, headSeq);
        }
    }

    public record Typing(String type, String conversationId, String userId) {
        public Typing(String conversationId, String userId) {
            this("typing", conversationId, userId);
        }
    }

    public record Read(String type, String conversationId, String userId, long seq) {
        public Read(String conversationId, String userId, long seq) {
            this("read", conversationId, userId, seq);
        }
    }

    /** {@code status}: {@code online}, {@code offline}, or {@code unknown} while presence cannot be read. */
    public record Presence(String type, String userId, String status, Instant lastSeenAt) {
        public Presence(String userId, String status, Instant lastSeenAt) {
            this("presence", userId, status, lastSeenAt);
        }
    }
}
