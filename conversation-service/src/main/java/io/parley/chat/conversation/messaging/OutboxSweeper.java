package io.parley.chat.conversation.messaging;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.chat.conversation.config.ConversationProperties;
import io.parley.chat.conversation.persistence.OutboxRepository;
import io.parley.chat.kit.lifecycle.PeriodicTask;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Publishes the conversation events that were stored but not acknowledged by Kafka. Every
 * {@code sweep-interval} it reads the outbox's oldest entries that are older than the
 * publish timeout (younger ones may still be on their way) and publishes them one at a
 * time in the order they were stored; a failure ends the round, so that no event
 * overtakes an older one of its conversation. Every replica sweeps: two may publish the
 * same entry, which is harmless (at least once; consumers treat events as facts to apply
 * again). So an event reaches Kafka at most {@code publish-timeout} plus
 * {@code sweep-interval} after Kafka is reachable again. Each round also drops the entries
 * published more than {@code keep-published} ago.
 */
@Component
class OutboxSweeper extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(OutboxSweeper.class);
    static final int BATCH = 200;

    private final OutboxRepository outbox;
    private final ConversationEventPublisher publisher;
    private final ConversationProperties properties;
    private final AtomicLong backlog = new AtomicLong();

    OutboxSweeper(OutboxRepository outbox, ConversationEventPublisher publisher, ConversationProperties properties,
                  MeterRegistry metrics) {
        super(properties.sweepInterval(), properties.sweepInterval());
        this.outbox = outbox;
        this.publisher = publisher;
        this.properties = properties;
        Gauge.builder("chat.conversation.outbox.unpublished", backlog, AtomicLong::get)
                .description("Stored conversation events not yet acknowledged by Kafka (as of the last sweep)")
                .register(metrics);
    }

    @Override
    protected Mono<Void> round() {
        return sweep();
    }

    /** One round: the oldest waiting entries, published in order until one fails. */
    Mono<Void> sweep() {
        Instant settled = Instant.now().minus(properties.publishTimeout());
        return outbox.oldest(settled, BATCH).collectList()
                .flatMap(entries -> Flux.fromIterable(entries)
                        .concatMap(publisher::publish)
                        .then(Mono.fromRunnable(() -> {
                            if (!entries.isEmpty()) {
                                log.info("Published {} conversation events from the outbox", entries.size());
                            }
                        }))
                        .onErrorResume(e -> {
                            log.warn("Publishing from the outbox failed ({}); retrying in {}", e.toString(),
                                    properties.sweepInterval());
                            return Mono.empty();
                        }))
                .then(outbox.count().doOnNext(backlog::set))
                .then(Mono.defer(() -> outbox.forgetPublishedBefore(Instant.now().minus(properties.keepPublished()))))
                .then()
                .onErrorResume(e -> {
                    log.warn("Reading the outbox failed ({}); retrying in {}", e.toString(), properties.sweepInterval());
                    return Mono.empty();
                });
    }
}
