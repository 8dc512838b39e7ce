package io.parley.chat.edge.send;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.parley.chat.contracts.frames.ErrorCode;
import io.parley.chat.edge.clients.MessageClient.Outgoing;
import io.parley.chat.edge.clients.MessageClient.SendOutcome;
import io.parley.chat.edge.clients.UpstreamRefusal;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * One socket's sends in flight, in the order the socket sent them. A socket's sends to
 * one conversation go to message-service as ordered batches: while one batch of a
 * conversation is in flight, the sends that arrive for it queue and go together in the
 * next, and message-service stores a batch in its order. So the seqs follow the order
 * the socket sent in, its acks come back in that order, and a socket is no longer limited
 * to one send per round trip. Sends to different conversations proceed independently.
 *
 * <p>At most {@code maxInFlight} sends are accepted and not yet answered. Past that,
 * {@link #submit} completes only once one is answered, and since the socket's frames are
 * read one after another, the socket is not read meanwhile: backpressure, not a queue
 * without bound. When the socket ends, what had not been sent yet is dropped (it was never
 * acked, so its client sends it again with the same clientMsgId); what was sent is answered
 * to a socket that is gone.
 *
 * <p>A send whose {@code clientMsgId} (to the same conversation) is already waiting or in
 * flight on this socket is a client's retry of it (it heard nothing yet): it does not go to
 * message-service a second time, but is answered with the first one's outcome under its own
 * frame id. Under overload, when answers take longer than a client waits, these retries
 * would otherwise multiply the very load that made the answers late.
 */
public final class SendPipeline {

    /** Sends one ordered batch of the socket's user to a conversation. */
    @FunctionalInterface
    public interface Sender {
        Mono<List<SendOutcome>> send(String conversationId, List<Outgoing> batch);
    }

    /** Writes the answer to one send (an ack or an error frame). */
    @FunctionalInterface
    public interface Replies {
        void answer(Pending send, SendOutcome outcome);
    }

    /** One send: the frame's {@code id}, its conversation, what goes to message-service, and when it arrived. */
    public record Pending(String id, String conversationId, Outgoing send, long arrivedNanos) {
    }

    private final int maxInFlight;
    private final int maxBatch;
    private final Sender sender;
    private final Replies replies;
    /** conversation -> sends waiting behind its batch in flight; a key is present exactly while a batch is in flight. */
    private final Map<String, ArrayDeque<Pending>> lanes = new HashMap<>();
    /** (conversation, clientMsgId) of every send waiting or in flight -> the retries of it that wait for its answer. */
    private final Map<String, List<Pending>> retries = new HashMap<>();
    private int inFlight;
    private MonoSink<Void> reader;
    private boolean closed;

    public SendPipeline(int maxInFlight, int maxBatch, Sender sender, Replies replies) {
        if (maxInFlight < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("maxInFlight and maxBatch must be at least 1");
        }
        this.maxInFlight = maxInFlight;
        this.maxBatch = maxBatch;
        this.sender = sender;
        this.replies = replies;
    }

    /**
     * Accepts one send; completes at once while fewer than {@code maxInFlight} are
     * unanswered, otherwise once one is answered.
     */
    public Mono<Void> submit(Pending send) {
        boolean dispatch;
        synchronized (this) {
            if (closed) {
                return Mono.empty();
            }
            List<Pending> retriesOfIt = retries.get(key(send));
            if (retriesOfIt != null) {
                retriesOfIt.add(send); // answered with the send it repeats, which holds the room in flight
                return Mono.empty();
            }
            retries.put(key(send), new ArrayList<>(0));
            inFlight++;
            ArrayDeque<Pending> waiting = lanes.get(send.conversationId());
            dispatch = waiting == null;
            if (dispatch) {
                lanes.put(send.conversationId(), new ArrayDeque<>());
            } else {
                waiting.add(send);
            }
        }
        if (dispatch) {
            dispatch(send.conversationId(), List.of(send));
        }
        return room();
    }

    /** Sends accepted and not yet answered. */
    public synchronized int inFlight() {
        return inFlight;
    }

    /** The socket ended: nothing more is sent, and a reader waiting for room is let go. */
    public void close() {
        MonoSink<Void> waiting;
        synchronized (this) {
            closed = true;
            lanes.values().forEach(lane -> inFlight -= lane.size());
            lanes.values().forEach(lane -> lane.forEach(dropped -> retries.remove(key(dropped))));
            lanes.values().forEach(ArrayDeque::clear);
            waiting = reader;
            reader = null;
        }
        if (waiting != null) {
            waiting.success();
        }
    }

    private Mono<Void> room() {
        synchronized (this) {
            if (inFlight < maxInFlight || closed) {
                return Mono.empty();
            }
        }
        return Mono.create(sink -> {
            boolean now;
            synchronized (this) {
                now = inFlight < maxInFlight || closed;
                if (!now) {
                    reader = sink;
                }
            }
            if (now) {
                sink.success();
            }
        });
    }

    private void dispatch(String conversationId, List<Pending> batch) {
        List<Outgoing> sends = batch.stream().map(Pending::send).toList();
        Mono.defer(() -> sender.send(conversationId, sends))
                .onErrorResume(e -> Mono.just(unavailable(batch.size())))
                .defaultIfEmpty(unavailable(batch.size()))
                .subscribe(outcomes -> answered(conversationId, batch, outcomes));
    }

    private void answered(String conversationId, List<Pending> batch, List<SendOutcome> outcomes) {
        List<List<Pending>> retriesOfBatch = new ArrayList<>(batch.size());
        synchronized (this) {
            batch.forEach(send -> retriesOfBatch.add(retries.remove(key(send))));
        }
        for (int i = 0; i < batch.size(); i++) {
            SendOutcome outcome = i < outcomes.size() ? outcomes.get(i) : unavailable(1).get(0);
            replies.answer(batch.get(i), outcome);
            if (retriesOfBatch.get(i) != null) {
                retriesOfBatch.get(i).forEach(retry -> replies.answer(retry, outcome));
            }
        }
        List<Pending> next = null;
        MonoSink<Void> waiting = null;
        synchronized (this) {
            inFlight -= batch.size();
            ArrayDeque<Pending> lane = lanes.get(conversationId);
            if (lane == null || lane.isEmpty()) {
                lanes.remove(conversationId);
            } else {
                next = new ArrayList<>(Math.min(lane.size(), maxBatch));
                while (!lane.isEmpty() && next.size() < maxBatch) {
                    next.add(lane.poll());
                }
            }
            if (reader != null && inFlight < maxInFlight) {
                waiting = reader;
                reader = null;
            }
        }
        if (waiting != null) {
            waiting.success();
        }
        if (next != null) {
            dispatch(conversationId, next);
        }
    }

    private static String key(Pending send) {
        return send.conversationId() + '\n' + send.send().clientMsgId();
    }

    private static List<SendOutcome> unavailable(int count) {
        UpstreamRefusal refusal = new UpstreamRefusal(ErrorCode.UNAVAILABLE,
                "message-service is unavailable; retry with the same clientMsgId.");
        List<SendOutcome> outcomes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            outcomes.add(new SendOutcome(null, refusal));
        }
        return outcomes;
    }
}
