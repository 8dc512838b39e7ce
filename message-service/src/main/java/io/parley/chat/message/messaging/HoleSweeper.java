package io.parley.chat.message.messaging;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.chat.message.config.MessageProperties;
import io.parley.chat.message.Message;
import io.parley.chat.message.persistence.MessageStore;
import io.parley.chat.message.persistence.MessageStore.SeqCounter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keeps every conversation's log dense: a seq that was handed out but never stored (the
 * sender crashed or timed out between taking the number and inserting) is filled with a
 * tombstone, so "I have everything up to k" stays a well-defined client state.
 *
 * <p>A number is judged lost only after the grace period: each dirty counter gets a
 * checkpoint (its seq and the time); once the checkpoint is older than the grace, every
 * number up to it was handed out at least that long ago, and a missing entry is a hole.
 * Should the late insert still come, it finds its seq taken by the tombstone and takes a
 * new one; should it win the race, the tombstone's insert fails instead. Either way one
 * seq names one entry. Several replicas may sweep at once for the same reason.
 *
 * <p>Checkpoints are set every round (they touch only the counters); the entries
 * themselves are read when {@link SweepCadence} says so, and a checkpoint past its grace
 * waits for that.
 */
@Component
class HoleSweeper {

    private static final Logger log = LoggerFactory.getLogger(HoleSweeper.class);
    private static final int COUNTERS_PER_ROUND = 1000;

    private final MessageStore store;
    private final MessageProperties properties;
    private final Counter tombstones;
    private final SweepCadence.Sweeps sweeps;

    HoleSweeper(MessageStore store, MessageProperties properties, SweepCadence cadence, MeterRegistry metrics) {
        this.store = store;
        this.properties = properties;
        this.sweeps = cadence.sweeps(0.5); // half an interval after the outbox sweeper's reads
        this.tombstones = Counter.builder("chat.messages.tombstones").description("Lost seqs filled with a tombstone")
                .register(metrics);
    }

    @Scheduled(fixedDelayString = "${chat.message.sweep-interval:2s}")
    void sweep() {
        Instant now = Instant.now();
        boolean readEntries = sweeps.due();
        // a scheduler thread of its own, not a request path: waiting keeps rounds from overlapping
        store.dirtyCounters(COUNTERS_PER_ROUND)
                .concatMap(counter -> check(counter, now, readEntries))
                .onErrorResume(e -> {
                    log.warn("Hole sweep stopped: {}", e.toString());
                    return Mono.empty();
                })
                .then()
                .block();
    }

    private Mono<Void> check(SeqCounter counter, Instant now, boolean readEntries) {
        if (counter.checkpointSeq() == null || counter.checkpointAt() == null) {
            return store.checkpoint(counter.conversationId(), counter.checkedSeq(), counter.seq(), now);
        }
        if (!readEntries || counter.checkpointAt().isAfter(now.minus(properties.sweepGrace()))) {
            return Mono.empty();
        }
        long from = counter.checkedSeq();
        long upTo = counter.checkpointSeq();
        Mono<Void> filled = fillHoles(counter, from, upTo);
        return filled.then(counter.seq() > upTo
                ? store.checkpoint(counter.conversationId(), upTo, counter.seq(), now)
                : store.markChecked(counter.conversationId(), counter.seq()));
    }

    /**
     * A range is counted first: the seqs themselves (a round's worth of a busy conversation)
     * are read only when some are missing, which is rare.
     */
    private Mono<Void> fillHoles(SeqCounter counter, long after, long upTo) {
        return store.countStored(counter.conversationId(), after, upTo)
                .filter(stored -> stored < upTo - after)
                .flatMap(someMissing -> readAndFill(counter, after, upTo));
    }

    private Mono<Void> readAndFill(SeqCounter counter, long after, long upTo) {
        return store.storedSeqs(counter.conversationId(), after, upTo)
                .collect(HashSet<Long>::new, Set::add)
                .flatMapMany(stored -> Flux.range(1, (int) (upTo - after))
                        .map(i -> after + i)
                        .filter(seq -> !stored.contains(seq)))
                .concatMap(seq -> store.insert(Message.tombstone(UUID.randomUUID().toString(), counter.tenantId(),
                                counter.conversationId(), seq, Instant.now()))
                        .doOnNext(t -> {
                            tombstones.increment();
                            log.info("Filled lost seq {} of {} with a tombstone", seq, counter.conversationId());
                        })
                        .onErrorResume(DuplicateKeyException.class, lateInsertWon -> Mono.empty()))
                .then();
    }
}
