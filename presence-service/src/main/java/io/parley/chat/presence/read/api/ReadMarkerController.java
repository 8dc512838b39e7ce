package io.parley.chat.presence.read.api;

import java.math.BigDecimal;

import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.parley.chat.kit.security.ChatPrincipal;
import io.parley.chat.presence.Ids;
import io.parley.chat.presence.read.ReadMarker;
import io.parley.chat.presence.read.ReadMarkerService;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import reactor.core.publisher.Mono;

/**
 * Called by realtime-edge with the user's token relayed for each {@code read} frame. Not
 * routed by the gateway. 200 with the stored marker {@code {conversationId, userId, readSeq}};
 * conversation-service's 4xx (not a member: 404) passed on; 400 for a bad body.
 */
@RestController
class ReadMarkerController {

    private final ReadMarkerService reads;

    ReadMarkerController(ReadMarkerService reads) {
        this.reads = reads;
    }

    @PutMapping("/internal/v1/presence/read")
    Mono<ReadMarker> read(ChatPrincipal caller, @Valid @RequestBody ReadRequest request) {
        return reads.markRead(caller, request.conversationId(), request.seq().longValueExact());
    }

    /** {@code seq} as a decimal so that 1.5 or 1e30 is a 400 naming the field, not a silent truncation. */
    record ReadRequest(
            @NotNull @Pattern(regexp = Ids.PATTERN, message = Ids.MESSAGE) String conversationId,
            @NotNull @PositiveOrZero @Digits(integer = 18, fraction = 0, message = "must be a whole number") BigDecimal seq) {
    }
}
