package io.parley.chat.gateway.routing;

import java.util.Map;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

/** A WebSocket handshake that reached a gateway replica while it drains for shutdown. */
class GatewayDraining extends ChatProblem {

    GatewayDraining() {
        super(HttpStatus.SERVICE_UNAVAILABLE, "draining",
                "This gateway is shutting down. Connect again: another replica takes the connection.",
                Map.of("retryable", true));
    }
}
