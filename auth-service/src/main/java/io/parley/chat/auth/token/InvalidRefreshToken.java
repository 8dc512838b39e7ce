package io.parley.chat.auth.token;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

/** One answer for unknown, expired, reused and revoked tokens: the client's remedy is the same. */
public class InvalidRefreshToken extends ChatProblem {

    public InvalidRefreshToken() {
        super(HttpStatus.UNAUTHORIZED, "invalid-refresh-token",
                "The refresh token is unknown, expired, already used or revoked; sign in again.");
    }
}
