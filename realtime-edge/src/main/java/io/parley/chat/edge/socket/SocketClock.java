package io.parley.chat.edge.socket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.parley.chat.contracts.frames.CloseCodes;
import io.parley.chat.edge.clients.PresenceClient;
import io.parley.chat.edge.config.EdgeProperties;
import io.parley.chat.edge.session.EdgeDrain;
import io.parley.chat.edge.session.SessionRegistry;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * The one timer every socket shares. Twice a second it walks the edge's sockets and
 * closes those idle past {@code chat.edge.idle-timeout} (1001) or whose token has expired
 * without an {@code auth.refresh} (4001), and reports to presence-service the sessions
 * whose heartbeat is due. A timer per socket (a {@code timeout} operator re-armed on every
 * frame, an interval for heartbeats, a delay until expiry) costs each of 15,000 idle
 * sockets three scheduled tasks and their operators; this costs one walk.
 *
 * <p>A socket is closed at most {@value #TICK_MILLIS} ms late. Heartbeats are spread: a
 * socket's first comes after a random part of the interval (half to all of it), so a
 * reconnect storm does not turn into a heartbeat storm; the heartbeats due at one tick go
 * to presence-service together, a few dozen per call, each with its socket's token.
 */
@Component
class SocketClock implements SmartLifecycle {

    static final long TICK_MILLIS = 500;
    private static final Logger log = LoggerFactory.getLogger(SocketClock.class);

    private final SessionRegistry sessions;
    private final PresenceClient presence;
    private final EdgeProperties properties;
    private volatile Disposable ticking;

    SocketClock(SessionRegistry sessions, PresenceClient presence, EdgeProperties properties) {
        this.sessions = sessions;
        this.presence = presence;
        this.properties = properties;
    }

    /** One walk over the sockets; package-private so a test can drive it. */
    void tick() {
        long nowNanos = System.nanoTime();
        long nowMillis = System.currentTimeMillis();
        long idleNanos = properties.idleTimeout().toNanos();
        long intervalNanos = properties.heartbeatInterval().toNanos();
        List<PresenceClient.Heartbeat> due = new ArrayList<>();
        sessions.forEach(client -> {
            if (client.ended()) {
                return;
            }
            if (client.expired(nowMillis)) {
                client.close(CloseCodes.TOKEN_INVALID, "token expired");
            } else if (client.idle(nowNanos, idleNanos)) {
                client.close(CloseCodes.GOING_AWAY, "idle: no frame for " + properties.idleTimeout());
            } else if (client.heartbeatDue(nowNanos, intervalNanos)) {
                due.add(new PresenceClient.Heartbeat(client.sessionId(), client.principal().token()));
            }
        });
        if (!due.isEmpty()) {
            presence.alive(due).subscribe();
        }
    }

    @Override
    public void start() {
        ticking = Flux.interval(Duration.ofMillis(TICK_MILLIS), Duration.ofMillis(TICK_MILLIS))
                .onBackpressureDrop()
                .subscribe(n -> {
                    try {
                        tick();
                    } catch (RuntimeException e) {
                        // a bug in one walk must not stop every socket's timers
                        log.error("Socket clock tick failed", e);
                    }
                });
    }

    @Override
    public void stop() {
        Disposable current = ticking;
        if (current != null) {
            current.dispose();
        }
        ticking = null;
    }

    @Override
    public boolean isRunning() {
        return ticking != null;
    }

    /** Stops after {@link EdgeDrain}: sockets waiting out the drain's grace keep their heartbeats and timeouts. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1;
    }
}
