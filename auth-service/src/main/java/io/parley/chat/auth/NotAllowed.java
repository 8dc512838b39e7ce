package io.parley.chat.auth;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

public class NotAllowed extends ChatProblem {

    public NotAllowed(String role) {
        super(HttpStatus.FORBIDDEN, "forbidden", "This request needs the role '" + role + "'.");
    }
}
