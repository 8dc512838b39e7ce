package io.parley.chat.message.message.messaging;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.chat.message.config.MessageProperties;
import io.parley.chat.message.message.persistence.MessageStore;

/**
 * Publishes what a send stored but could not publish (Kafka down, timeout, a crash
 * between insert and publish). Entries go out in (conversation, seq) order, one at a
 * time, and a failure stops the round so that a later seq never overtakes an earlier
 * one of the same conversation.
 */
@Component
class OutboxSweeper {

    private static final Logger log = LoggerFactory.getLogger(OutboxSweeper.class);
    private static final int BATCH = 500;

    private final MessageStore store;
    private final MessagePublisher publisher;
    private final MessageProperties properties;
    private final AtomicLong backlog = new AtomicLong();

    OutboxSweeper(MessageStore store, MessagePublisher publisher, MessageProperties properties, MeterRegistry registry) {
        this.store = store;
        this.publisher = publisher;
        this.properties = properties;
        Gauge.builder("chat.outbox.unpublished", backlog, AtomicLong::get)
                .description("Stored messages not yet acknowledged by Kafka")
                .register(registry);
    }

    @Scheduled(fixedDelayString = "${chat.message.sweep-interval:2s}")
    void sweep() {
        store.countUnpublished().doOnNext(backlog::set).onErrorResume(e -> reactor.core.publisher.Mono.empty()).block();
        if (!publisher.available()) {
            return;
        }
        Instant cutoff = Instant.now().minus(properties.sweepGrace());
        // A scheduler thread of its own, not a request path: waiting here keeps rounds from overlapping.
        Long published = store.unpublishedBefore(cutoff, BATCH)
                .concatMap(message -> publisher.publish(message, properties.publishTimeout()))
                .count()
                .onErrorResume(e -> {
                    log.warn("Outbox sweep stopped: {}", e.toString());
                    return reactor.core.publisher.Mono.just(-1L);
                })
                .block();
        if (published != null && published > 0) {
            log.info("Outbox sweep published {} message(s)", published);
        }
    }
}
