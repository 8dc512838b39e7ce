package io.parley.chat.auth.account;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

/**
 * The one answer to a failed login, whatever failed (tenant, user, password, disabled
 * account), so that the response does not tell which usernames exist.
 */
public class InvalidCredentials extends ChatProblem {

    public InvalidCredentials() {
        super(HttpStatus.UNAUTHORIZED, "invalid-credentials", "The tenant, username or password is wrong.");
    }
}
