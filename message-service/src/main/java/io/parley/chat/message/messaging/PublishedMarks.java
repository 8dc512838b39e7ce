package io.parley.chat.message.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import io.parley.chat.message.persistence.MessageStore;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Records that Kafka acknowledged entries, in batches: one store round trip every
 * {@link #FLUSH_EVERY} instead of one per send. A mark that is lost (a crash before the
 * flush, a store error) only means the sweeper publishes that entry once more, which
 * at-least-once delivery allows and consumers absorb by seq.
 */
@Component
class PublishedMarks implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(PublishedMarks.class);
    private static final Duration FLUSH_EVERY = Duration.ofMillis(20);
    private static final int MAX_BATCH = 500;

    private final MessageStore store;
    private final Queue<String> pending = new ConcurrentLinkedQueue<>();
    private final Disposable flushing;

    PublishedMarks(MessageStore store, SweepCadence cadence) {
        this.store = store;
        this.flushing = Flux.interval(FLUSH_EVERY, Schedulers.single())
                .onBackpressureDrop()
                .concatMap(tick -> flush().onErrorResume(e -> {
                    cadence.suspect(); // the entries stay unpublished in the log until a sweep publishes them again
                    log.warn("Published marks not stored ({}); the sweeper will publish those entries again",
                            e.getClass().getSimpleName());
                    return reactor.core.publisher.Mono.empty();
                }), 1)
                .subscribe();
    }

    void mark(String entryId) {
        pending.add(entryId);
    }

    private reactor.core.publisher.Mono<Void> flush() {
        List<String> batch = new ArrayList<>();
        for (String id = pending.poll(); id != null; id = batch.size() < MAX_BATCH ? pending.poll() : null) {
            batch.add(id);
        }
        return store.markPublished(batch);
    }

    /** On shutdown, what Kafka acknowledged is recorded before the store connection closes. */
    @Override
    public void destroy() {
        flushing.dispose();
        while (!pending.isEmpty()) {
            flush().block(Duration.ofSeconds(5));
        }
    }
}
