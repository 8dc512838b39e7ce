package io.parley.chat.auth.account;

import java.util.Map;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

/** Shaped like a validation problem so that clients show it next to the password field. */
public class WeakPassword extends ChatProblem {

    public WeakPassword(String reason) {
        super(HttpStatus.BAD_REQUEST, "validation", "Invalid fields: password.",
                Map.of("errors", Map.of("password", reason)));
    }
}
