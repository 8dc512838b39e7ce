package io.parley.chat.message.messaging;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.chat.message.config.MessageProperties;
import io.parley.chat.message.Message;
import io.parley.chat.message.persistence.MessageStore;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Publishes what a send stored but could not publish (Kafka down, timeout, a crash
 * between insert and publish). Entries go out in (conversation, seq) order, one at a
 * time, and a failure stops the round so that a later seq never overtakes an earlier
 * one of the same conversation. It reads the log when {@link SweepCadence} says so: often
 * after a failure here, rarely otherwise; the backlog gauge is as fresh as the last read, less what was
 * published since.
 */
@Component
class OutboxSweeper {

    private static final Logger log = LoggerFactory.getLogger(OutboxSweeper.class);
    private static final int BATCH = 500;

    private final MessageStore store;
    private final MessagePublisher publisher;
    private final MessageProperties properties;
    private final AtomicLong backlog = new AtomicLong();
    private final SweepCadence cadence;
    private final SweepCadence.Sweeps sweeps;

    OutboxSweeper(MessageStore store, MessagePublisher publisher, MessageProperties properties, SweepCadence cadence,
                  MeterRegistry registry) {
        this.store = store;
        this.publisher = publisher;
        this.properties = properties;
        this.cadence = cadence;
        this.sweeps = cadence.sweeps(0);
        Gauge.builder("chat.outbox.unpublished", backlog, AtomicLong::get)
                .description("Stored messages not yet acknowledged by Kafka")
                .register(registry);
    }

    @Scheduled(fixedDelayString = "${chat.message.sweep-interval:2s}")
    void sweep() {
        // Runs on the scheduler's own thread, never a request path: blocking here keeps rounds
        // from overlapping and the log reads in order with the publishing that follows.
        if (!sweeps.due()) {
            return;
        }
        // One read finds the entries and, unless there are more than a batch, the backlog too:
        // on the Mongo wire server every read of this kind is a scan that sends wait behind.
        List<Message> unpublished;
        try {
            unpublished = store.unpublished(BATCH).collectList().block();
        } catch (RuntimeException e) {
            cadence.suspect(); // try again next round; the gauge keeps its last value
            log.warn("Outbox sweep could not read the log: {}", e.toString());
            return;
        }
        if (unpublished.size() < BATCH) {
            backlog.set(unpublished.size());
        } else {
            store.countUnpublished().doOnNext(backlog::set).onErrorResume(e -> Mono.empty()).block();
        }
        if (!publisher.available()) {
            cadence.suspect(); // Kafka is failing: keep looking until what it missed is published
            return;
        }
        Instant cutoff = Instant.now().minus(properties.sweepGrace());
        Long published = Flux.fromIterable(unpublished)
                .filter(message -> message.createdAt().isBefore(cutoff))
                .concatMap(message -> publisher.publish(message, properties.publishTimeout()))
                .count()
                .onErrorResume(e -> {
                    cadence.suspect();
                    log.warn("Outbox sweep stopped: {}", e.toString());
                    return Mono.just(-1L);
                })
                .block();
        if (published != null && published > 0) {
            log.info("Outbox sweep published {} message(s)", published);
            // What this round published is no longer behind: keep the gauge honest without
            // another read. If anything is left (too fresh for the grace, or past the batch),
            // read again next round rather than at the next full sweep.
            if (backlog.updateAndGet(left -> Math.max(0, left - published)) > 0) {
                cadence.suspect();
            }
        }
    }
}
