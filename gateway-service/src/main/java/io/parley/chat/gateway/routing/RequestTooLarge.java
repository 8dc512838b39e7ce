package io.parley.chat.gateway.routing;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

/** A request body over the gateway's limit: refused before (or while) it is forwarded, never partly delivered. */
class RequestTooLarge extends ChatProblem {

    RequestTooLarge(long limit) {
        super(HttpStatus.CONTENT_TOO_LARGE, "too-large", detail(limit));
    }

    static String detail(long limit) {
        return "The request body is larger than the gateway accepts (" + limit + " bytes).";
    }
}
