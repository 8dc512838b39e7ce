package io.parley.chat.edge.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * @param messageServiceUrl  where sends and history go, with the socket user's token
 * @param conversationServiceUrl where a connecting user's conversations are read, for {@code activity} frames
 * @param presenceServiceUrl where session connects, heartbeats and disconnects are reported
 * @param allowedOrigins     browser origins that may open a socket; a request without an Origin (a native client) is allowed
 * @param maxFrameBytes      largest client frame accepted; a larger one gets an error frame
 * @param outboundBuffer     frames queued for one socket before it counts as too slow and is closed
 * @param holeWait           how long a missing seq is waited for before it is read from history
 * @param heartbeatInterval  how often a live session is reported to presence-service
 * @param maxBadFrames       bad frames tolerated on one socket before it is closed with 4008
 * @param framesPerSecond    inbound frames one socket may send per second, on average
 * @param frameBurst         inbound frames one socket may send at once before the rate applies
 * @param maxConnectionsPerUser sockets one user may hold on this edge
 * @param idleTimeout        a socket that sends nothing for this long is closed (clients ping meanwhile)
 * @param drainGrace         how long a stopping edge waits after telling clients to reconnect
 * @param maxWatchedUsers    users one socket may follow with {@code presence.watch}
 * @param activityConversations how many of a connected user's conversations (newest activity first) get {@code activity} frames
 * @param activityInterval   {@code activity} frames are coalesced: at most one per conversation per socket in this time
 * @param maxSendsInFlight   a socket's sends accepted and not yet acked; past that its frames wait (they keep its order)
 * @param edgeId             this instance's name in presence records
 */
@Validated
@ConfigurationProperties("chat.edge")
public record EdgeProperties(
        @NotNull @DefaultValue("http://localhost:8083") URI messageServiceUrl,
        @NotNull @DefaultValue("http://localhost:8082") URI conversationServiceUrl,
        @NotNull @DefaultValue("http://localhost:8084") URI presenceServiceUrl,
        @DefaultValue({"http://localhost:8080", "http://127.0.0.1:8080"}) List<String> allowedOrigins,
        @Min(1024) @Max(1_048_576) @DefaultValue("65536") int maxFrameBytes,
        @Min(16) @DefaultValue("4096") int outboundBuffer,
        @NotNull @DefaultValue("250ms") Duration holeWait,
        @NotNull @DefaultValue("20s") Duration heartbeatInterval,
        @Min(1) @DefaultValue("10") int maxBadFrames,
        @Min(1) @DefaultValue("50") int framesPerSecond,
        @Min(1) @DefaultValue("200") int frameBurst,
        @Min(1) @DefaultValue("20") int maxConnectionsPerUser,
        @NotNull @DefaultValue("120s") Duration idleTimeout,
        @NotNull @DefaultValue("2s") Duration drainGrace,
        @Min(1) @Max(10_000) @DefaultValue("500") int maxWatchedUsers,
        @Min(0) @Max(10_000) @DefaultValue("500") int activityConversations,
        @NotNull @DefaultValue("250ms") Duration activityInterval,
        @Min(1) @Max(1_000) @DefaultValue("64") int maxSendsInFlight,
        String edgeId) {

    public EdgeProperties {
        if (edgeId == null || edgeId.isBlank()) {
            edgeId = "edge-" + UUID.randomUUID().toString().substring(0, 8);
        }
    }
}
