package io.parley.chat.edge.session;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.parley.chat.contracts.frames.CloseCodes;
import io.parley.chat.edge.delivery.Delivery;
import io.parley.chat.edge.delivery.Subscription;
import io.parley.chat.kit.security.ChatPrincipal;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * One socket: who is on it, what it subscribed to, and its outbound queue. The queue is
 * bounded: a client that does not read fast enough is closed (it resumes from history
 * on reconnect) rather than letting its backlog grow in the edge's memory or slow the
 * writers that serve everyone else.
 *
 * <p>An edge holds thousands of these, mostly idle, so a socket keeps plain fields and no
 * timers of its own: its idle timeout, token expiry and presence heartbeat are checked by
 * one shared {@link SocketClock} against the times kept here.
 */
final class ClientSession {

    private final WebsocketOutbound socket;
    private final String sessionId = UUID.randomUUID().toString();
    /** Frames to write: a {@link WebSocketFrame}, or a fan-out's bytes already framed for the wire. */
    private final Sinks.Many<Object> outbound;
    private final int outboundCapacity;
    private final AtomicInteger queued = new AtomicInteger();
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final AtomicInteger badFrames = new AtomicInteger();
    private final AtomicInteger rateLimitedFrames = new AtomicInteger();
    /** When the current token expires, as epoch millis; {@link Long#MAX_VALUE} when it names no expiry. */
    private volatile long expiresAtMillis;
    /** {@link System#nanoTime()} of the last frame the client sent (or of the open). */
    private volatile long lastInboundNanos = System.nanoTime();
    /** {@link System#nanoTime()} at which the next presence heartbeat is due; touched by the clock only. */
    private long nextHeartbeatNanos;
    private boolean heartbeatScheduled;
    private final FrameBudget budget;
    private final OutboundFrames counted;
    private volatile ChatPrincipal principal;
    /** The login (refresh-token family) the current token was issued in, its {@code sid}; null when it names none. */
    private volatile String loginId;
    private volatile boolean ended;
    private final AtomicInteger presenceCalls = new AtomicInteger();
    /** Users whose presence this socket follows; null until its first {@code presence.watch}, as most never send one. */
    private Set<String> watched;

    ClientSession(WebsocketOutbound socket, ChatPrincipal principal, Instant expiresAt, int outboundCapacity,
                  FrameBudget budget, OutboundFrames counted) {
        this.socket = socket;
        this.counted = counted;
        this.principal = principal;
        this.budget = budget;
        this.expiresAtMillis = expiresAt == null ? Long.MAX_VALUE : expiresAt.toEpochMilli();
        // bounded by counting, not by an array of the bound's size: an ArrayBlockingQueue of 4096
        // is 16 KB of heap on every socket, most of which never has more than a frame or two queued
        this.outboundCapacity = outboundCapacity;
        this.outbound = Sinks.many().unicast().onBackpressureBuffer(
                reactor.util.concurrent.Queues.<Object>unbounded(16).get());
    }

    String sessionId() {
        return sessionId;
    }

    ChatPrincipal principal() {
        return principal;
    }

    String loginId() {
        return loginId;
    }

    void loginId(String sid) {
        loginId = sid;
    }

    /** Replaces the token of a live socket ({@code auth.refresh}); the expiry and the login move with it. */
    void refresh(ChatPrincipal refreshed, Instant expiresAt, String sid) {
        principal = refreshed;
        loginId = sid;
        expiresAtMillis = expiresAt == null ? Long.MAX_VALUE : expiresAt.toEpochMilli();
    }

    /** True once the current token has expired (and no refresh replaced it). */
    boolean expired(long nowMillis) {
        return nowMillis >= expiresAtMillis;
    }

    /** The client sent a frame: the socket is not idle. */
    void touched() {
        lastInboundNanos = System.nanoTime();
    }

    /** True when the client has sent nothing for {@code idleNanos}. */
    boolean idle(long nowNanos, long idleNanos) {
        return nowNanos - lastInboundNanos > idleNanos;
    }

    /**
     * True, and the next one scheduled {@code intervalNanos} later, when a presence
     * heartbeat is due; called by the clock only. The open itself reported the session, so
     * the clock's first look only schedules the next, after a random half to all of the
     * interval (so that sockets opened together do not beat together).
     */
    boolean heartbeatDue(long nowNanos, long intervalNanos) {
        if (!heartbeatScheduled) {
            heartbeatScheduled = true;
            nextHeartbeatNanos = nowNanos + ThreadLocalRandom.current().nextLong(intervalNanos / 2, intervalNanos + 1);
            return false;
        }
        if (nowNanos - nextHeartbeatNanos < 0) {
            return false;
        }
        nextHeartbeatNanos = nowNanos + intervalNanos;
        return true;
    }

    /** Takes one inbound frame from the socket's budget; false when it is sending too fast. */
    boolean allowFrame() {
        return budget.take();
    }

    Map<String, Subscription> subscriptions() {
        return subscriptions;
    }

    /** The frames to write, in the order they were queued. */
    Flux<Object> outbound() {
        return outbound.asFlux().doOnNext(frame -> queued.decrementAndGet());
    }

    int queued() {
        return queued.get();
    }

    /** Queues one frame made for this socket alone (an ack, an error, a control frame). */
    void send(byte[] frame) {
        if (enqueue(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame)))) {
            counted.count(frame);
        }
    }

    /** Queues a message frame whose wire bytes are shared with every other socket that gets it. */
    void send(Delivery delivery) {
        if (enqueue(delivery.wire())) {
            counted.countMessage();
        }
    }

    /** True when queued; past the bound the socket is closed instead. */
    private boolean enqueue(Object message) {
        Sinks.EmitResult result;
        synchronized (this) {
            result = queued.get() >= outboundCapacity ? Sinks.EmitResult.FAIL_OVERFLOW : outbound.tryEmitNext(message);
        }
        if (result == Sinks.EmitResult.OK) {
            queued.incrementAndGet();
            return true;
        }
        ReferenceCountUtil.release(message);
        if (result == Sinks.EmitResult.FAIL_OVERFLOW) {
            close(CloseCodes.POLICY, "outbound buffer overflow: reconnect and resume");
        }
        return false;
    }

    /** Counts a bad frame; true when the socket has used up its tolerance. */
    boolean badFrame(int tolerated) {
        return badFrames.incrementAndGet() > tolerated;
    }

    /** Counts a frame refused for rate; true when the socket keeps flooding past {@code tolerated} of them. */
    boolean rateLimited(int tolerated) {
        return rateLimitedFrames.incrementAndGet() > tolerated;
    }

    /**
     * Closes with a status. The close is started here and cannot be cancelled by whoever
     * waits for it: sending the close frame ends the socket's input, which ends the
     * streams that asked for the close, and a cancelled close releases its frame before
     * it is written, so the client would never learn why (4001 and 1001 mean different
     * things to it). The outbound stream ends after the close frame.
     */
    Mono<Void> close(int code, String reason) {
        Mono<Void> closing = socket.sendClose(code, reason).doFinally(signal -> complete()).cache();
        closing.subscribe(done -> { }, error -> { });
        return closing;
    }

    /** The input side ended: nothing more will be written. */
    void complete() {
        ended = true;
        synchronized (this) {
            outbound.tryEmitComplete();
        }
    }

    /** Counts a presence call in flight; false, and nothing counted, when {@code max} are already. */
    boolean startPresenceCall(int max) {
        if (presenceCalls.incrementAndGet() > max) {
            presenceCalls.decrementAndGet();
            return false;
        }
        return true;
    }

    void endPresenceCall() {
        presenceCalls.decrementAndGet();
    }

    /** True once the socket's input has ended: it is being released and takes no new registrations. */
    boolean ended() {
        return ended;
    }

    /**
     * Adds users to the ones this socket watches, all or none: false, and nothing added,
     * when they would take it past {@code cap}.
     */
    synchronized boolean watch(List<String> userIds, int cap) {
        Set<String> next = watched == null ? new HashSet<>() : new HashSet<>(watched);
        next.addAll(userIds);
        if (next.size() > cap) {
            return false;
        }
        watched = next;
        return true;
    }

    synchronized Set<String> watched() {
        return watched == null ? Set.of() : Set.copyOf(watched);
    }
}
