package io.parley.chat.auth.account;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

public class UsernameTaken extends ChatProblem {

    public UsernameTaken() {
        super(HttpStatus.CONFLICT, "username-taken",
                "This username is already taken in this tenant (usernames ignore case); choose another.");
    }
}
