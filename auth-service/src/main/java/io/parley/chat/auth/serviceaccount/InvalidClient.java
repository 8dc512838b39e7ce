package io.parley.chat.auth.serviceaccount;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

/** Unknown client, wrong secret and disabled account answer alike (RFC 6749's invalid_client). */
public class InvalidClient extends ChatProblem {

    public InvalidClient() {
        super(HttpStatus.UNAUTHORIZED, "invalid-client", "The client id or secret is wrong.");
    }
}
