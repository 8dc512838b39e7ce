package io.parley.chat.message;

import java.util.Map;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

/**
 * The ways a send or a history read is refused. Membership refusals come from
 * {@link io.parley.chat.kit.membership.MembershipProblems} (shared with presence-service).
 */
public final class MessageProblems {

    private MessageProblems() {
    }

    public static final class MessageNotFound extends ChatProblem {
        public MessageNotFound(String conversationId, long seq) {
            super(HttpStatus.NOT_FOUND, "message-not-found", "No message at seq " + seq + " in " + conversationId
                    + " (it may have been deleted).");
        }
    }

    /** Only the sender edits; the sender, an owner or an admin deletes. */
    public static final class NotYourMessage extends ChatProblem {
        public NotYourMessage(long seq) {
            super(HttpStatus.FORBIDDEN, "not-your-message", "The message at seq " + seq + " is not yours to change.");
        }
    }

    public static final class InvalidMessage extends ChatProblem {
        public InvalidMessage(String field, String reason) {
            super(HttpStatus.BAD_REQUEST, "validation", "Invalid fields: " + field + ".", Map.of("errors", Map.of(field, reason)));
        }
    }

    /** Another attempt with the same clientMsgId is still being stored. */
    public static final class SendInProgress extends ChatProblem {
        public SendInProgress() {
            super(HttpStatus.CONFLICT, "send-in-progress",
                    "A send with this clientMsgId is still in progress; retry with the same clientMsgId.",
                    Map.of("retryable", true));
        }
    }
}
