package io.parley.chat.gateway.routing;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

/**
 * realtime-edge refused a WebSocket handshake (a missing or invalid token, a forbidden
 * origin, a rate limit): the client gets the edge's status instead of an upgrade.
 */
class HandshakeRefused extends ChatProblem {

    HandshakeRefused(HttpStatus status) {
        super(status, slugFor(status.value()), "The realtime service refused the WebSocket handshake.");
    }
}
