package io.parley.chat.auth.account;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

/** Also the answer for a user of another tenant: an admin cannot probe other tenants' ids. */
public class UserNotFound extends ChatProblem {

    public UserNotFound() {
        super(HttpStatus.NOT_FOUND, "user-not-found", "No user with this id exists in your tenant.");
    }
}
