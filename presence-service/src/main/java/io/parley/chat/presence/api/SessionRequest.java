package io.parley.chat.presence.api;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** {@code edgeId}: the realtime-edge instance that holds the socket (a pod name, say). */
record SessionRequest(
        @NotNull @Pattern(regexp = EDGE_ID_PATTERN, message = EDGE_ID_MESSAGE) String edgeId) {

    static final String EDGE_ID_PATTERN = "^[A-Za-z0-9_.:-]{1,128}$";
    static final String EDGE_ID_MESSAGE = "must be 1 to 128 characters of A-Z, a-z, 0-9, _, ., : or -";
}
