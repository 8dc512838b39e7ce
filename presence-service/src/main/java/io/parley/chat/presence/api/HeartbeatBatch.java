package io.parley.chat.presence.api;

import java.util.List;

import io.parley.chat.presence.Ids;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** The heartbeats of many sockets of one realtime-edge, each with its user's token. */
record HeartbeatBatch(
        @NotNull @Pattern(regexp = SessionRequest.EDGE_ID_PATTERN, message = SessionRequest.EDGE_ID_MESSAGE) String edgeId,
        @NotNull @Size(min = 1, max = HeartbeatController.MAX_SESSIONS,
                message = "must hold 1 to " + HeartbeatController.MAX_SESSIONS + " sessions")
        List<@NotNull @Valid Heartbeat> sessions) {

    /** One socket: its session and the bearer token of the user on it. */
    record Heartbeat(
            @NotNull @Pattern(regexp = Ids.PATTERN, message = Ids.MESSAGE) String sessionId,
            @NotBlank @Size(max = 4096, message = "must be a token of at most 4096 characters") String token) {

        /** Without the token: whatever prints a heartbeat must not put a credential in a log. */
        @Override
        public String toString() {
            return "Heartbeat[sessionId=" + sessionId + "]";
        }
    }
}
