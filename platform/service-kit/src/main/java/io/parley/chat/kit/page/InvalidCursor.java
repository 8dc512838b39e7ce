package io.parley.chat.kit.page;

import java.util.Map;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

/** A {@code cursor} parameter that is not a {@code nextCursor} this list handed out. */
public class InvalidCursor extends ChatProblem {

    public InvalidCursor() {
        this("is not a nextCursor of this list");
    }

    public InvalidCursor(String reason) {
        super(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid parameter 'cursor': " + reason
                + "; pass a page's nextCursor as it came, on the list it came from.",
                Map.of("errors", Map.of("cursor", reason)));
    }
}
