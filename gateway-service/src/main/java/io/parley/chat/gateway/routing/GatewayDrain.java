package io.parley.chat.gateway.routing;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.CloseStatus;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.chat.contracts.frames.CloseCodes;
import io.parley.chat.contracts.frames.ServerFrames;
import io.parley.chat.gateway.config.GatewayProperties;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stopping gateway hands its WebSocket clients over instead of cutting them, as a
 * stopping edge does: readiness goes down, new handshakes are refused (503
 * {@link GatewayDraining}), every proxied client gets the protocol's {@code reconnect}
 * frame (the same bytes the edge sends), and the gateway waits up to
 * {@code chat.gateway.drain-grace} for each socket to close; what is still open then is
 * closed with 1001 on both sides. The {@code reconnect} frames are spread evenly over the
 * first half of the grace: the replicas that take the clients over get their handshakes and
 * resumes a few at a time rather than all at once (measured by system-tests' RolloutIT), and
 * a socket keeps working until its turn. Clients reconnect through another replica and resume
 * with {@code afterSeq}.
 *
 * <p>It runs first in shutdown (highest phase): Spring Boot has already published
 * "refusing traffic" when the context started closing, and the web server still serves, so
 * REST calls in flight finish and the edge connections stay up until their clients leave.
 * Metrics: {@code chat_gateway_ws_connections} (proxied sockets open),
 * {@code chat_gateway_ws_drained_total{outcome=left|closed}} (closed within the grace, or
 * by the gateway at its end) and {@code chat_gateway_ws_relayed_total{mode=bytes|frames}}
 * (how sockets were spliced).
 */
@Component
class GatewayDrain implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GatewayDrain.class);
    /** What the edge closes with when it drains: the client reconnects at once. */
    static final CloseStatus GOING_AWAY = new CloseStatus(CloseCodes.GOING_AWAY, "server restarting: reconnect");

    private final Set<ProxiedSocket> sockets = ConcurrentHashMap.newKeySet();
    private final String reconnect;
    private final Duration grace;
    private final ApplicationEventPublisher events;
    private final Counter left;
    private final Counter closed;
    private final Counter relayedAsBytes;
    private final Counter relayedAsFrames;
    private volatile boolean draining;

    GatewayDrain(JsonMapper json, GatewayProperties properties, ApplicationEventPublisher events, MeterRegistry meters) {
        this.reconnect = json.writeValueAsString(new ServerFrames.Reconnect());
        this.grace = properties.drainGrace();
        this.events = events;
        Gauge.builder("chat.gateway.ws.connections", sockets, Set::size)
                .description("WebSockets this gateway relays to the edge")
                .register(meters);
        this.left = drained(meters, "left");
        this.closed = drained(meters, "closed");
        this.relayedAsBytes = relayed(meters, "bytes");
        this.relayedAsFrames = relayed(meters, "frames");
    }

    private static Counter relayed(MeterRegistry meters, String mode) {
        return Counter.builder("chat.gateway.ws.relayed")
                .tag("mode", mode)
                .description("WebSockets spliced to the edge: bytes = the edge's bytes went to the client as they"
                        + " came, frames = decoded and encoded again (the edge side's decoder held a half frame)")
                .register(meters);
    }

    /** Counts how a socket's edge side was spliced ({@link ProxiedSocket}). */
    void relayed(boolean asBytes) {
        (asBytes ? relayedAsBytes : relayedAsFrames).increment();
    }

    private static Counter drained(MeterRegistry meters, String outcome) {
        return Counter.builder("chat.gateway.ws.drained")
                .tag("outcome", outcome)
                .description("WebSockets told to reconnect by a stopping gateway: left = closed within the grace,"
                        + " closed = closed by the gateway when it ended")
                .register(meters);
    }

    /** Whether a new handshake must be refused. */
    boolean draining() {
        return draining;
    }

    /**
     * Called once a relay starts. A socket whose handshake passed {@link #draining()} just
     * before the drain took its list of sockets would otherwise miss the {@code reconnect}:
     * the flag is set before the list is read and the socket is added before the flag is
     * read, so every socket is handed over by one side or the other (at worst by both, and
     * the frame is injected once).
     */
    void admitted(ProxiedSocket socket) {
        sockets.add(socket);
        if (draining) {
            handOver(socket, Duration.ZERO).subscribe();
        }
    }

    void left(ProxiedSocket socket) {
        sockets.remove(socket);
    }

    /** First in shutdown: before the web server's graceful shutdown, while it still serves. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }

    /** Running means accepting handshakes; a drain happens once per start. */
    @Override
    public boolean isRunning() {
        return !draining;
    }

    @Override
    public void start() {
        draining = false;
    }

    @Override
    public void stop() {
        draining = true;
        AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
        List<ProxiedSocket> open = List.copyOf(sockets);
        if (open.isEmpty()) {
            return;
        }
        log.info("Draining {} WebSocket(s): asking clients to reconnect, closing the rest after {} ms", open.size(),
                grace.toMillis());
        double closedBefore = closed.count();
        // shutdown, not a request path: waiting here is what keeps the process alive until clients have moved
        Duration spread = grace.dividedBy(2);
        Flux.range(0, open.size())
                .flatMap(i -> handOver(open.get(i), spread.multipliedBy(i).dividedBy(open.size())))
                .then()
                .timeout(grace.plusSeconds(5))
                .onErrorResume(error -> Mono.empty())
                .block();
        log.info("Drained: {} WebSocket(s) were still open at the end of the grace and closed with 1001",
                (long) (closed.count() - closedBefore));
    }

    /** {@code reconnect} after {@code after}; the socket is cut if it is still open {@link #grace} after the drain began. */
    private Mono<Void> handOver(ProxiedSocket socket, Duration after) {
        return Mono.delay(after)
                .then(Mono.fromRunnable(() -> socket.inject(reconnect)))
                .then(socket.ended())
                .then(Mono.<Void>fromRunnable(left::increment))
                .timeout(grace, Mono.defer(() -> cut(socket)));
    }

    private Mono<Void> cut(ProxiedSocket socket) {
        closed.increment();
        return socket.close(GOING_AWAY).then(socket.ended());
    }

}
