package io.parley.chat.presence;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

/**
 * Typing in a conversation the caller is not a member of (or that does not exist in the
 * caller's tenant: one answer for both, so the refusal tells nothing about other tenants).
 */
public final class NotAMember extends ChatProblem {

    public NotAMember(String conversationId) {
        super(HttpStatus.FORBIDDEN, "not-a-member", "You are not a member of conversation " + conversationId + ".");
    }
}
