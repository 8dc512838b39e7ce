package io.parley.chat.edge.delivery;

import java.util.ArrayList;
import java.util.List;

import reactor.core.publisher.Flux;

/**
 * One socket's subscription to one conversation, and the resume seam.
 *
 * <p>The subscription is attached to the feed before history is read, and live
 * deliveries that arrive meanwhile are held back. History read after attaching covers
 * everything the feed handed over before, so replay followed by the held-back live
 * events, with anything at or below the last delivered seq dropped, has no gap and no
 * duplicate.
 */
public final class Subscription {

    private final String conversationId;
    private final Sink sink;
    private long lastSeq;
    private List<Delivery> heldBack = new ArrayList<>();
    private boolean released;

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
            heldBack.add(delivery);
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
        write(delivery);
    }

    /**
     * Ends the replay at {@code headSeq} (what history reported), runs {@code beforeLive}
     * (the {@code subscribed} reply), then writes what was held back.
     */
    public synchronized long goLive(long headSeq, Runnable beforeLive) {
        lastSeq = Math.max(lastSeq, headSeq);
        beforeLive.run();
        List<Delivery> held = heldBack;
        heldBack = null;
        held.forEach(this::write);
        return lastSeq;
    }

    public synchronized long lastSeq() {
        return lastSeq;
    }

    /** True the first time only: a subscription lets go of its feed once. */
    synchronized boolean release() {
        if (released) {
            return false;
        }
        released = true;
        return true;
    }

    Flux<Delivery> readAfter(long seq) {
        return sink.readAfter(conversationId, seq);
    }

    private void write(Delivery delivery) {
        if (delivery.seq() <= lastSeq) {
            return;
        }
        lastSeq = delivery.seq();
        sink.write(delivery);
    }
}
