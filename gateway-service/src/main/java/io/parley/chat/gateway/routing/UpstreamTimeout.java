package io.parley.chat.gateway.routing;

import java.util.Map;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

/** The service behind a route did not answer within the route's response timeout. */
class UpstreamTimeout extends ChatProblem {

    UpstreamTimeout(String service) {
        super(HttpStatus.GATEWAY_TIMEOUT, "upstream-timeout",
                "The " + service + " service did not answer in time. Retry later.", Map.of("retryable", true));
    }
}
