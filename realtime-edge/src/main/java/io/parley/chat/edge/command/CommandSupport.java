package io.parley.chat.edge.command;

import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.MeterRegistry;
import io.parley.chat.contracts.frames.CloseCodes;
import io.parley.chat.contracts.frames.ErrorCode;
import io.parley.chat.contracts.frames.ServerFrames;
import io.parley.chat.edge.clients.UpstreamRefusal;
import io.parley.chat.edge.config.EdgeProperties;
import io.parley.chat.edge.delivery.FrameEncoder;
import io.parley.chat.edge.session.ClientSession;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * What the command handlers share: their replies and refusals, the check of an id field,
 * and {@link #detached} for the presence calls that must not hold up a socket's frames.
 */
@Component
public class CommandSupport {

    private static final Logger log = LoggerFactory.getLogger(CommandSupport.class);
    static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final int PRESENCE_CALLS_IN_FLIGHT = 4;

    private final FrameEncoder encoder;
    private final MeterRegistry metrics;
    private final EdgeProperties properties;

    CommandSupport(FrameEncoder encoder, MeterRegistry metrics, EdgeProperties properties) {
        this.encoder = encoder;
        this.metrics = metrics;
        this.properties = properties;
    }

    Mono<Void> reply(ClientSession client, Object frame) {
        client.send(encoder.encode(frame));
        return Mono.empty();
    }

    Mono<Void> refusal(ClientSession client, String id, Throwable e) {
        if (e instanceof UpstreamRefusal refusal) {
            return reply(client, new ServerFrames.Error(id, refusal.code(), refusal.getMessage()));
        }
        log.warn("Request on a socket failed: {}", e.toString());
        return reply(client, new ServerFrames.Error(id, ErrorCode.INTERNAL, "the request failed; retry"));
    }

    /** A bad frame: an {@code error} frame, and the socket closed with 4008 once it has sent more than it may. */
    public Mono<Void> reject(ClientSession client, String id, ErrorCode code, String message) {
        metrics.counter("chat.ws.rejected.frames", "code", code.wire()).increment();
        client.send(encoder.encode(new ServerFrames.Error(id, code, message)));
        if (client.badFrame(properties.maxBadFrames())) {
            return client.close(CloseCodes.POLICY, "too many bad frames");
        }
        return Mono.empty();
    }

    /**
     * Runs a presence call beside the socket's frame sequence instead of in it: a slow or
     * unreachable presence-service must never hold up the sends queued behind a
     * {@code typing}. At most {@value #PRESENCE_CALLS_IN_FLIGHT} per socket at once; more
     * get a retryable {@code rate-limited}. A failure is an error frame answering {@code id}.
     */
    Mono<Void> detached(ClientSession client, String id, Mono<Void> call) {
        if (!client.startPresenceCall(PRESENCE_CALLS_IN_FLIGHT)) {
            return reply(client, new ServerFrames.Error(id, ErrorCode.RATE_LIMITED,
                    "too many typing, read or presence requests in progress; retry shortly"));
        }
        call.onErrorResume(e -> refusal(client, id, e))
                .doFinally(signal -> client.endPresenceCall())
                .subscribe();
        return Mono.empty();
    }

    /** The field's value when it is a valid id, else null. */
    static String field(JsonNode frame, String name) {
        JsonNode value = frame.path(name);
        return value.isString() && ID.matcher(value.asString()).matches() ? value.asString() : null;
    }
}
