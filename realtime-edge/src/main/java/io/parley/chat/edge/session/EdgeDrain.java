package io.parley.chat.edge.session;

import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.parley.chat.contracts.frames.CloseCodes;
import io.parley.chat.contracts.frames.ServerFrames;
import io.parley.chat.edge.config.EdgeProperties;
import io.parley.chat.edge.delivery.FrameEncoder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A stopping edge hands its clients over instead of dropping them: every socket gets a
 * {@code reconnect} frame (the client reconnects, to another edge, and resumes from its
 * last seq), then after a grace period whatever is still open is closed with 1001. The
 * frames are spread evenly over the first half of the grace, so that the other edges get
 * the resumes a few at a time rather than all at once. It
 * runs first in shutdown (highest phase), while the web server still serves, and the
 * readiness probe already sends new clients elsewhere.
 */
@Component
public class EdgeDrain implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EdgeDrain.class);

    private final SessionRegistry sessions;
    private final byte[] reconnect;
    private final EdgeProperties properties;
    private volatile boolean running;
    private volatile boolean draining;

    EdgeDrain(SessionRegistry sessions, FrameEncoder encoder, EdgeProperties properties) {
        this.sessions = sessions;
        this.properties = properties;
        this.reconnect = encoder.encode(new ServerFrames.Reconnect());
    }

    /** Whether this edge is handing its clients over: a new handshake is refused (503), so the client goes elsewhere. */
    public boolean draining() {
        return draining;
    }

    @Override
    public void start() {
        draining = false;
        running = true;
    }

    /**
     * Called once a socket is registered. A socket whose handshake completed while the drain
     * was taking its list of sockets would otherwise miss the {@code reconnect}: the flag is set
     * before the list is read and the socket is registered before the flag is read, so every
     * socket is handed over by one side or the other (at worst by both: a second
     * {@code reconnect} is harmless).
     */
    public void admitted(ClientSession session) {
        if (draining) {
            handOver(session, Duration.ZERO).subscribe();
        }
    }

    @Override
    public void stop() {
        running = false;
        draining = true;
        List<ClientSession> open = sessions.all();
        if (open.isEmpty()) {
            return;
        }
        log.info("Draining {} socket(s): asking clients to reconnect", open.size());
        // shutdown, not a request path: waiting here is what keeps the process alive until clients have moved
        Duration spread = properties.drainGrace().dividedBy(2);
        Flux.range(0, open.size())
                .flatMap(i -> handOver(open.get(i), spread.multipliedBy(i).dividedBy(open.size())))
                .then()
                .onErrorResume(e -> Mono.empty())
                .block(properties.drainGrace().plusSeconds(5));
    }

    /** {@code reconnect} after {@code after}; closed with 1001 once the grace since the drain began is over. */
    private Mono<Void> handOver(ClientSession session, Duration after) {
        return Mono.delay(after)
                .doOnNext(tick -> session.send(reconnect))
                .then(Mono.delay(properties.drainGrace().minus(after)))
                // deferred: ClientSession.close starts the close as soon as it is called, not when subscribed
                .then(Mono.defer(() -> session.close(CloseCodes.GOING_AWAY, "server restarting: reconnect")));
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
