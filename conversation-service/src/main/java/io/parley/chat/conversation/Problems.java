package io.parley.chat.conversation;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

/** The refusals of membership and settings changes, each with a stable problem type. */
public final class Problems {

    private Problems() {
    }

    /** The caller is a member but their role does not allow the change. */
    public static class NotAllowed extends ChatProblem {
        public NotAllowed(String detail) {
            super(HttpStatus.FORBIDDEN, "forbidden", detail);
        }
    }

    /** The conversation would be left without an owner. */
    public static class LastOwner extends ChatProblem {
        public LastOwner(String conversationId) {
            super(HttpStatus.CONFLICT, "last-owner", "You are the last owner of " + conversationId
                    + ": make another member owner first.");
        }
    }

    /** A DIRECT conversation keeps exactly its pair, its roles, and has no title. */
    public static class DirectIsFixed extends ChatProblem {
        public DirectIsFixed(String conversationId) {
            super(HttpStatus.CONFLICT, "direct-conversation-fixed", "Conversation " + conversationId
                    + " is DIRECT: its members, roles and title cannot change.");
        }
    }

    public static class MemberNotFound extends ChatProblem {
        public MemberNotFound(String conversationId, String userId) {
            super(HttpStatus.NOT_FOUND, "member-not-found", "User " + userId + " is not a member of conversation "
                    + conversationId + ".");
        }
    }
}
