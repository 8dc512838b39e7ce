package io.parley.chat.conversation;

import java.util.Map;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

/** A create request that is well-formed JSON but breaks a rule of its conversation type. */
public class InvalidConversation extends ChatProblem {

    public InvalidConversation(String field, String message) {
        super(HttpStatus.BAD_REQUEST, "validation", "Invalid fields: " + field + ".",
                Map.of("errors", Map.of(field, message)));
    }
}
