package io.parley.chat.presence.api;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** {@code edgeId}: the realtime-edge instance that holds the socket (a pod name, say). */
record SessionRequest(
        @NotNull @Pattern(regexp = "^[A-Za-z0-9_.:-]{1,128}$",
                message = "must be 1 to 128 characters of A-Z, a-z, 0-9, _, ., : or -") String edgeId) {
}
