package io.parley.chat.kit.membership;

import java.util.Map;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

/** How a membership check refuses: the same types and texts in every service that checks. */
public final class MembershipProblems {

    private MembershipProblems() {
    }

    /** The conversation does not exist in the caller's tenant, or the caller is not a member: one answer for both. */
    public static final class ConversationNotFound extends ChatProblem {
        public ConversationNotFound(String conversationId) {
            super(HttpStatus.NOT_FOUND, "conversation-not-found", "No conversation " + conversationId + " that you are a member of.");
        }
    }

    public static final class MembershipUnavailable extends ChatProblem {
        public MembershipUnavailable() {
            super(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Membership cannot be checked right now; retry shortly.",
                    Map.of("retryable", true));
        }
    }
}
