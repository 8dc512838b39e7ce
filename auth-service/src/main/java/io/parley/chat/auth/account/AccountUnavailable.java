package io.parley.chat.auth.account;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

/** A valid token for a user who has since been disabled or removed. */
public class AccountUnavailable extends ChatProblem {

    public AccountUnavailable() {
        super(HttpStatus.UNAUTHORIZED, "account-unavailable",
                "The account this token was issued to is disabled or no longer exists.");
    }
}
