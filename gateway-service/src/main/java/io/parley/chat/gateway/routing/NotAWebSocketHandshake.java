package io.parley.chat.gateway.routing;

import org.springframework.http.HttpStatus;

import io.parley.chat.kit.problem.ChatProblem;

/** A plain HTTP request to a WebSocket route. */
class NotAWebSocketHandshake extends ChatProblem {

    NotAWebSocketHandshake(String path) {
        super(HttpStatus.BAD_REQUEST, "websocket-handshake-required",
                path + " only accepts a WebSocket handshake (GET with Upgrade: websocket).");
    }
}
