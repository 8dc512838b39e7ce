package io.parley.chat.conversation;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

/**
 * The conversation does not exist in the caller's tenant, or the caller is not a member.
 * Both answer the same so that ids cannot be probed across tenants or conversations.
 */
public class ConversationNotFound extends ChatProblem {

    public ConversationNotFound(String conversationId) {
        super(HttpStatus.NOT_FOUND, "conversation-not-found", "No conversation " + conversationId + " that you are a member of.");
    }
}
