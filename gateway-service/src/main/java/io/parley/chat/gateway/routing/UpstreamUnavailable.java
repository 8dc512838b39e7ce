package io.parley.chat.gateway.routing;

import java.util.Map;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

/** The gateway could not reach the service behind a route: nothing was sent, so a retry is safe. */
class UpstreamUnavailable extends ChatProblem {

    UpstreamUnavailable(String service) {
        super(HttpStatus.SERVICE_UNAVAILABLE, "upstream-unavailable",
                "The " + service + " service is unavailable. Retry later.", Map.of("retryable", true));
    }
}
