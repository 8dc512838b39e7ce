package io.parley.chat.edge.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One socket's subscription to one conversation, and the resume seam.
 *
 * <p>The subscription is attached to the feed before history is read, and live
 * deliveries that arrive meanwhile are held back. History read after attaching covers
 * everything the feed handed over before, so replay followed by the held-back live
 * events, with anything at or below the last delivered seq dropped, has no gap and no
 * duplicate.
 *
 * <p>What is held back is bounded ({@link #MAX_HELD_BACK}): a replay of a long history
 * to a slow client can take longer than a busy conversation takes to send that many. Past
 * the bound the held-back deliveries are let go, and {@link #goLive} says so: the replay
 * then reads history again from where it got to, which covers what was let go (it was
 * handed over before that read), and holds back anew meanwhile.
 *
 * <p>Nothing is written past a hole. History can lack an entry whose seq was taken by a
 * batch that is still being stored (another replica's, or one whose insert is half done)
 * while later ones are there; and a feed that started at the newest stored seq hands over
 * nothing at or below it. So an entry or delivery that is not the next seq is held back,
 * and history is read again after the last one written, first after {@link #HOLE_RETRY},
 * until the hole is filled (by the insert, or by message-service's tombstone for a lost
 * seq). A hole that lasts is read for less and less often, the wait doubling up to
 * {@link #MAX_HOLE_RETRY}, so a thousand sockets behind one hole do not read history ten
 * thousand times a second; the wait is short again once the hole is filled. And the
 * subscriptions behind one hole share one read ({@link ConversationFeed#readForHole}).
 *
 * <p>A subscription is attached to its feed only once the user's membership was confirmed,
 * and never after it was released ({@link FeedRegistry#attach}).
 */
public final class Subscription {

    /** Live deliveries held back during a replay before they are let go and history is read again. */
    static final int MAX_HELD_BACK = 4096;
    /** How long a hole is given before history is read (again) for it. */
    static final Duration HOLE_RETRY = Duration.ofMillis(100);
    /** The longest wait between two reads for a hole that lasts. */
    static final Duration MAX_HOLE_RETRY = Duration.ofSeconds(2);

    private final String conversationId;
    private final Sink sink;
    private long lastSeq;
    private List<Delivery> heldBack = new ArrayList<>();
    private boolean overflowed;
    private boolean released;
    /** Whether an entry was passed over because one before it was missing, in a replay or a hole fill. */
    private boolean skipped;
    private Disposable holeFill;
    /** The wait before the next read for a hole, and the seq that read starts after. */
    private Duration holeWait = HOLE_RETRY;
    private long holeFrom = -1;
    /** The feed this subscription is attached to, whose reads for holes it shares; null before. */
    private volatile ConversationFeed feed;
    /**
     * Whether this subscription is counted among its feed's references; read and written
     * only by {@link FeedRegistry} while it holds the conversation's entry.
     */
    boolean holdsFeed;

    /** Where a subscription writes, and whose credentials read history for it. */
    public interface Sink {
        void write(Delivery delivery);

        /** A frame about the conversation that is not a log entry (no seq), in line with the deliveries. */
        void control(byte[] frame);

        Flux<Delivery> readAfter(String conversationId, long seq);

        /** Whose socket this is, so that a user's own typing is not echoed back; null when no one's. */
        default String userId() {
            return null;
        }
    }

    public Subscription(String conversationId, long afterSeq, Sink sink) {
        this.conversationId = conversationId;
        this.lastSeq = afterSeq;
        this.sink = sink;
    }

    public String conversationId() {
        return conversationId;
    }

    /** A live delivery from the feed. */
    synchronized void deliver(Delivery delivery) {
        if (heldBack != null) {
            if (heldBack.size() >= MAX_HELD_BACK) {
                heldBack.clear();
                overflowed = true;
            }
            heldBack.add(delivery);
        } else if (delivery.seq() > lastSeq + 1) {
            heldBack = new ArrayList<>();
            heldBack.add(delivery);
            fillHole();
        } else {
            write(delivery);
        }
    }

    /** A frame that is not a log entry, kept in order with the deliveries around it. */
    synchronized void control(byte[] frame) {
        sink.control(frame);
    }

    String userId() {
        return sink.userId();
    }

    /** A replayed history entry; live deliveries stay held back until {@link #goLive}. */
    public synchronized void replay(Delivery delivery) {
        writeUnlessAfterHole(delivery);
    }

    /**
     * Ends the replay at {@code headSeq} (what history reported), runs {@code beforeLive}
     * (the {@code subscribed} reply), then writes what was held back. False, and nothing
     * run, when held-back deliveries had to be let go during the replay: read history again
     * after {@link #lastSeq} and try again.
     */
    public synchronized boolean goLive(long headSeq, Runnable beforeLive) {
        lastSeq = Math.max(lastSeq, headSeq);
        if (overflowed) {
            overflowed = false;
            return false;
        }
        beforeLive.run();
        List<Delivery> held = heldBack;
        heldBack = null;
        writeInOrder(held);
        return true;
    }

    /** Starts the subscription at {@code seq}: a subscribe without {@code afterSeq} wants what comes after the head. */
    public synchronized void skipTo(long seq) {
        lastSeq = Math.max(lastSeq, seq);
    }

    public synchronized long lastSeq() {
        return lastSeq;
    }

    synchronized boolean released() {
        return released;
    }

    /** True the first time only. */
    synchronized boolean release() {
        if (released) {
            return false;
        }
        released = true;
        if (holeFill != null) {
            holeFill.dispose();
            holeFill = null;
        }
        return true;
    }

    Flux<Delivery> readAfter(long seq) {
        return sink.readAfter(conversationId, seq);
    }

    void readsThrough(ConversationFeed attachedTo) {
        feed = attachedTo;
    }

    /**
     * Writes {@code held} in seq order up to the first hole; from there on it stays held back
     * and history is read for the hole. A replay or fill that passed over entries reads again too.
     */
    private void writeInOrder(List<Delivery> held) {
        for (int i = 0; i < held.size(); i++) {
            Delivery next = held.get(i);
            if (next.seq() > lastSeq + 1) {
                heldBack = new ArrayList<>(held.subList(i, held.size()));
                fillHole();
                return;
            }
            write(next);
        }
        if (skipped) {
            heldBack = new ArrayList<>();
            fillHole();
        }
    }

    private void writeUnlessAfterHole(Delivery delivery) {
        if (delivery.seq() > lastSeq + 1) {
            skipped = true;
        } else {
            write(delivery);
        }
    }

    /**
     * Reads history after the last seq written once the hole's wait has passed; held
     * deliveries wait meanwhile. The wait doubles while the read starts at the same seq.
     */
    private void fillHole() {
        if (released || holeFill != null) {
            return;
        }
        long from = lastSeq;
        if (from == holeFrom) {
            Duration doubled = holeWait.multipliedBy(2);
            holeWait = doubled.compareTo(MAX_HOLE_RETRY) > 0 ? MAX_HOLE_RETRY : doubled;
        } else {
            holeWait = HOLE_RETRY;
            holeFrom = from;
        }
        skipped = false;
        ConversationFeed shared = feed;
        Flux<Delivery> read = shared != null ? shared.readForHole(from, holeWait, this)
                : Mono.delay(holeWait).thenMany(Flux.defer(() -> readAfter(from)));
        holeFill = read.subscribe(this::filling, failure -> holeFilled(true), () -> holeFilled(false));
    }

    private synchronized void filling(Delivery delivery) {
        if (!released) {
            writeUnlessAfterHole(delivery);
        }
    }

    private synchronized void holeFilled(boolean failed) {
        holeFill = null;
        if (released) {
            return;
        }
        List<Delivery> held = heldBack;
        heldBack = null;
        if (failed) {
            skipped = true; // nothing learnt: read again
        }
        writeInOrder(held == null ? List.of() : held);
    }

    private void write(Delivery delivery) {
        if (delivery.seq() <= lastSeq) {
            return;
        }
        lastSeq = delivery.seq();
        sink.write(delivery);
    }
}
