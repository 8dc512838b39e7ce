package io.parley.chat.auth.token;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

public class KeyNotFound extends ChatProblem {

    public KeyNotFound() {
        super(HttpStatus.NOT_FOUND, "key-not-found", "No signing key with this kid is stored: it was never issued, "
                + "or it was pruned once no live token could carry it.");
    }
}
