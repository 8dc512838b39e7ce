package io.parley.chat.edge.delivery;

import java.time.Duration;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One conversation's events at this edge, put in seq order once for all of its local
 * subscribers.
 *
 * <p>Invariant: {@code head} is the highest seq handed to subscribers, and every seq up
 * to it was handed over in order, exactly once. Events arrive from Kafka (possibly out
 * of order when two message-service replicas publish concurrently, possibly twice when
 * the sweeper republishes) and from history; anything at or below head is a duplicate,
 * anything above head + 1 waits in {@code pending}. A hole that is still open after
 * {@code holeWait} is read from history, which is the source of truth.
 *
 * <p>Every read for a hole, the feed's own and its subscribers', goes through
 * {@link #readForHole}: the sockets behind one hole share one read of history, not one
 * each (a thousand sockets whose replay ended before an entry still being stored used
 * to read history a thousand times per retry).
 *
 * <p>The feed starts at the conversation's head as history reports it when the first
 * subscriber arrives; subscribers replay what came before from history themselves, so
 * the feed never has to know a conversation's past.
 */
final class ConversationFeed {

    private static final Logger log = LoggerFactory.getLogger(ConversationFeed.class);
    /** Out-of-order events kept while a hole is open; past this the feed restarts from history. */
    private static final int MAX_PENDING = 10_000;

    private final String conversationId;
    private final Duration holeWait;
    private final Set<Subscription> subscribers = new CopyOnWriteArraySet<>();
    private final TreeMap<Long, Delivery> pending = new TreeMap<>();
    /**
     * The reads for holes that are waiting or under way, by the seq they read after. Not
     * guarded by the feed's monitor: subscriptions ask for them holding their own, and the
     * feed holds its own while it delivers to them.
     */
    private final ConcurrentMap<Long, Flux<Delivery>> holeReads = new ConcurrentHashMap<>();

    private long head = -1;
    private Mono<Void> initialization;
    private Disposable holeFill;
    int references;

    ConversationFeed(String conversationId, Duration holeWait) {
        this.conversationId = conversationId;
        this.holeWait = holeWait;
    }

    String conversationId() {
        return conversationId;
    }

    /**
     * Completes once the feed knows where the conversation stands, asking history with
     * the given reader (a subscriber's credentials) the first time. A failed first
     * reading is not remembered, so that the next subscriber tries again.
     */
    synchronized Mono<Void> initialize(Mono<Long> readHead) {
        if (head >= 0) {
            return Mono.empty();
        }
        if (initialization == null) {
            initialization = readHead
                    .doOnNext(this::start)
                    .doOnError(e -> forgetInitialization())
                    .then()
                    .cache();
        }
        return initialization;
    }

    private synchronized void forgetInitialization() {
        initialization = null;
    }

    private synchronized void start(long headSeq) {
        if (head < 0) {
            head = headSeq;
            drain();
        }
    }

    void attach(Subscription subscription) {
        subscription.readsThrough(this);
        subscribers.add(subscription);
    }

    void detach(Subscription subscription) {
        subscribers.remove(subscription);
    }

    /** Writes a frame that is not a log entry to every local subscriber but those of {@code exceptUserId} (when not null). */
    void broadcast(byte[] frame, String exceptUserId) {
        for (Subscription subscriber : subscribers) {
            if (exceptUserId == null || !exceptUserId.equals(subscriber.userId())) {
                subscriber.control(frame);
            }
        }
    }

    synchronized void offer(Delivery delivery) {
        if (head >= 0 && delivery.seq() <= head) {
            return;
        }
        if (pending.size() >= MAX_PENDING) {
            log.warn("Conversation {} has {} events waiting on a hole after seq {}; dropping the newest",
                    conversationId, pending.size(), head);
            return;
        }
        pending.putIfAbsent(delivery.seq(), delivery);
        if (head >= 0) {
            drain();
        }
    }

    private void drain() {
        pending.headMap(head, true).clear();
        while (!pending.isEmpty() && pending.firstKey() == head + 1) {
            Delivery next = pending.pollFirstEntry().getValue();
            head = next.seq();
            for (Subscription subscriber : subscribers) {
                subscriber.deliver(next);
            }
        }
        if (pending.isEmpty()) {
            cancelHoleFill();
        } else if (holeFill == null) {
            scheduleHoleFill();
        }
    }

    /** Reads the open hole from history with some subscriber's credentials, after giving Kafka {@code holeWait} to deliver it. */
    private void scheduleHoleFill() {
        Subscription reader = subscribers.stream().findFirst().orElse(null);
        if (reader == null) {
            return;
        }
        long from = head;
        holeFill = readForHole(from, holeWait, reader)
                .doFinally(signal -> holeFilled())
                .subscribe(this::offer, e -> log.debug("Filling a hole in {} after seq {} failed: {}",
                        conversationId, from, e.toString()));
    }

    /**
     * History after {@code afterSeq}, read with {@code reader}'s credentials once {@code wait}
     * has passed, or the read for the same seq that is already waiting or under way (whose
     * wait then applies). A read that has ended is not handed out again: who asks after it
     * gets a fresh one. Every subscriber of the feed is a confirmed member, so any one's
     * credentials read for all.
     */
    Flux<Delivery> readForHole(long afterSeq, Duration wait, Subscription reader) {
        return holeReads.computeIfAbsent(afterSeq, seq -> {
            AtomicReference<Flux<Delivery>> read = new AtomicReference<>();
            read.set(Mono.delay(wait)
                    .thenMany(Flux.defer(() -> reader.readAfter(seq)))
                    // before the end reaches those who wait on it: they ask again at once, and must get a new read
                    .doOnTerminate(() -> holeReads.remove(seq, read.get()))
                    .cache());
            return read.get();
        });
    }

    private synchronized void holeFilled() {
        holeFill = null;
        if (!pending.isEmpty()) {
            scheduleHoleFill();
        }
    }

    private void cancelHoleFill() {
        if (holeFill != null) {
            holeFill.dispose();
            holeFill = null;
        }
    }

    synchronized void close() {
        pending.clear();
        cancelHoleFill();
    }

    /** For tests and metrics: the highest seq handed over so far. */
    synchronized long head() {
        return head;
    }
}
