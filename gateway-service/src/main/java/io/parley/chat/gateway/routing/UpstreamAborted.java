package io.parley.chat.gateway.routing;

import java.util.Map;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

/**
 * The service behind a route closed the connection before it answered. The request may
 * have been processed; the APIs behind the gateway are idempotent where it matters
 * ({@code clientMsgId} on sends), so clients may retry.
 */
class UpstreamAborted extends ChatProblem {

    UpstreamAborted(String service) {
        super(HttpStatus.BAD_GATEWAY, "upstream-aborted",
                "The " + service + " service closed the connection before answering. Retry later.",
                Map.of("retryable", true));
    }
}
