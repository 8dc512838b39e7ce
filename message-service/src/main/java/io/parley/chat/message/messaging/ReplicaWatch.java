package io.parley.chat.message.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.chat.message.config.MessageProperties;
import io.parley.chat.message.persistence.MessageStore;
import io.parley.chat.message.persistence.MessageStore.Heartbeat;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Notices when another replica stopped without a goodbye, so that this one's sweepers read
 * the log at once for what it may have left (a seq taken and never stored, an entry stored
 * and never published) instead of at the next full-sweep interval.
 *
 * <p>Every replica keeps a heartbeat in the store, renewed every sweep interval and removed
 * when it stops in order. A heartbeat older than {@code chat.message.replica-timeout} belongs
 * to a replica that died, or stalled, or lost the store; whichever replica removes it alerts
 * its own sweepers ({@link SweepCadence#suspect()}). A false alarm costs a few reads of the
 * log, a missed one (the alerted replica dies too) the full-sweep interval. Replicas compare
 * their own clocks, so skew between hosts must stay well under the timeout.
 *
 * <p>A replica that stops while it is alerted itself (something of its own failed recently)
 * leaves its heartbeat behind, so that the others finish what its sweepers may not have.
 */
@Component
class ReplicaWatch implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ReplicaWatch.class);

    private final String id = UUID.randomUUID().toString();
    private final MessageStore store;
    private final SweepCadence cadence;
    private final Duration timeout;
    private final Counter lost;
    private final Disposable beating;

    ReplicaWatch(MessageStore store, SweepCadence cadence, MessageProperties properties, MeterRegistry metrics) {
        this.store = store;
        this.cadence = cadence;
        this.timeout = properties.replicaTimeout();
        this.lost = Counter.builder("chat.message.replicas.lost")
                .description("Other replicas found silent past the replica timeout; each makes the sweepers read the log at once")
                .register(metrics);
        // a thread of Reactor's, not the sweepers' scheduler: a sweep that waits on Kafka must not
        // make this replica look dead to the others
        this.beating = Flux.interval(Duration.ZERO, properties.sweepInterval(), Schedulers.single())
                .onBackpressureDrop()
                .concatMap(tick -> round(Instant.now()).onErrorResume(e -> {
                    log.warn("Replica heartbeat round failed: {}", e.toString());
                    return Mono.empty();
                }), 1)
                .subscribe();
    }

    private Mono<Void> round(Instant now) {
        return store.heartbeat(id, now)
                .thenMany(store.silentSince(now.minus(timeout)))
                .filter(silent -> !silent.replica().equals(id))
                .concatMap(silent -> store.forget(silent).filter(Boolean::booleanValue).doOnNext(removed -> alert(silent)))
                .then();
    }

    private void alert(Heartbeat silent) {
        lost.increment();
        cadence.suspect();
        log.warn("Replica {} stopped without a goodbye (last heartbeat {}); reading the log for what it left",
                silent.replica(), silent.seenAt().toInstant());
    }

    @Override
    public void destroy() {
        beating.dispose();
        if (cadence.alerted()) {
            log.info("Stopping while alerted: the heartbeat stays, so another replica sweeps after the timeout");
            return;
        }
        try {
            store.forget(id).block(Duration.ofSeconds(5)); // shutdown, not a request path
        } catch (RuntimeException e) {
            log.warn("Heartbeat not removed ({}); the others will sweep once it times out", e.toString());
        }
    }
}
