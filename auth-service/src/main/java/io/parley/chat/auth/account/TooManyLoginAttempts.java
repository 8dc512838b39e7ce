package io.parley.chat.auth.account;

import java.time.Duration;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

/**
 * Says when to try again but not which limit was hit: "this account" would confirm that
 * the username is worth attacking.
 */
public class TooManyLoginAttempts extends ChatProblem {

    public TooManyLoginAttempts(Duration retryAfter) {
        super(HttpStatus.TOO_MANY_REQUESTS, "rate-limited",
                "Too many failed sign-in attempts; try again in " + retryAfter.toSeconds() + " seconds.",
                Map.of("retryable", true, "retryAfterSeconds", retryAfter.toSeconds()));
        getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter.toSeconds()));
    }
}
