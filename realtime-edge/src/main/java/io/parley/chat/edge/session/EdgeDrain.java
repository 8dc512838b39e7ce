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
 * last seq), then after a grace period whatever is still open is closed with 1001. It
 * runs first in shutdown (highest phase), while the web server still serves, and the
 * readiness probe already sends new clients elsewhere.
 */
@Component
class EdgeDrain implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EdgeDrain.class);

    private final SessionRegistry sessions;
    private final FrameEncoder encoder;
    private final EdgeProperties properties;
    private volatile boolean running;

    EdgeDrain(SessionRegistry sessions, FrameEncoder encoder, EdgeProperties properties) {
        this.sessions = sessions;
        this.encoder = encoder;
        this.properties = properties;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        List<ClientSession> open = sessions.all();
        if (open.isEmpty()) {
            return;
        }
        log.info("Draining {} socket(s): asking clients to reconnect", open.size());
        byte[] reconnect = encoder.encode(new ServerFrames.Reconnect());
        open.forEach(session -> session.send(reconnect));
        Duration grace = properties.drainGrace();
        // shutdown, not a request path: waiting here is what keeps the process alive until clients have moved
        Flux.fromIterable(open)
                .flatMap(session -> Mono.delay(grace).then(session.close(CloseCodes.GOING_AWAY, "server restarting: reconnect")))
                .then()
                .onErrorResume(e -> Mono.empty())
                .block(grace.plusSeconds(5));
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
