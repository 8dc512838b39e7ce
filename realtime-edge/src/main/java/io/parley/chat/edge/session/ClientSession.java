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
import java.util.function.Function;

import org.springframework.security.oauth2.jwt.Jwt;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.parley.chat.contracts.frames.CloseCodes;
import io.parley.chat.edge.delivery.Delivery;
import io.parley.chat.edge.delivery.Subscription;
import io.parley.chat.edge.send.SendPipeline;
import io.parley.chat.edge.transport.FrameBudget;
import io.parley.chat.edge.transport.OutboundFrames;
import io.parley.chat.edge.transport.SocketWriter;
import io.parley.chat.kit.security.ChatPrincipal;
import reactor.core.publisher.Mono;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * One socket: who is on it, what it subscribed to, and its outbound queue (a
 * {@link SocketWriter}). The queue is bounded: a client that does not read fast enough is
 * closed with 4008 (it resumes from history on reconnect) rather than letting its backlog
 * grow in the edge's memory or slow the writers that serve everyone else.
 *
 * <p>An edge holds thousands of these, mostly idle, so a socket keeps plain fields and no
 * timers of its own: its idle timeout, token expiry and presence heartbeat are checked by
 * one shared {@link io.parley.chat.edge.socket.SocketClock} against the times kept here.
 */
public final class ClientSession {

    private final String sessionId = UUID.randomUUID().toString();
    /** Frames to write: a {@link TextWebSocketFrame}, or a fan-out's bytes already framed for the wire. */
    private final SocketWriter outbound;
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
    /** The {@code kid} of the key that signed the current token: a socket of a revoked key is closed. */
    private volatile String keyId;
    private final AtomicInteger presenceCalls = new AtomicInteger();
    /** This socket's sends in flight; null until its first {@code send}, as an idle socket needs none. */
    private SendPipeline sends;
    /** Users whose presence this socket follows; null until its first {@code presence.watch}, as most never send one. */
    private Set<String> watched;

    public ClientSession(WebsocketOutbound socket, ChatPrincipal principal, Instant expiresAt, int outboundCapacity,
                  FrameBudget budget, OutboundFrames counted) {
        this.counted = counted;
        this.principal = principal;
        this.budget = budget;
        this.expiresAtMillis = expiresAt == null ? Long.MAX_VALUE : expiresAt.toEpochMilli();
        this.outbound = new SocketWriter(socket, outboundCapacity);
    }

    public String sessionId() {
        return sessionId;
    }

    /** The socket's send pipeline, made by {@code create} on its first send. */
    public synchronized SendPipeline sends(Function<ClientSession, SendPipeline> create) {
        if (sends == null) {
            sends = create.apply(this);
        }
        return sends;
    }

    /** The socket ended: sends not yet made are dropped (never acked, so clients send them again). */
    public synchronized void closeSends() {
        if (sends != null) {
            sends.close();
        }
    }

    public ChatPrincipal principal() {
        return principal;
    }

    String loginId() {
        return loginId;
    }

    String keyId() {
        return keyId;
    }

    /** The {@code kid} in a token's header: the key that signed it, as {@link #login} and {@link #refresh} take it; null when it names none. */
    public static String keyIdOf(Jwt jwt) {
        return jwt.getHeaders().get("kid") instanceof String kid ? kid : null;
    }

    /** The login ({@code sid}) and the signing key ({@code kid}) of the handshake's token; either may be null. */
    public void login(String sid, String kid) {
        loginId = sid;
        keyId = kid;
    }

    /** Replaces the token of a live socket ({@code auth.refresh}); the expiry, the login and the key move with it. */
    public void refresh(ChatPrincipal refreshed, Instant expiresAt, String sid, String kid) {
        principal = refreshed;
        loginId = sid;
        keyId = kid;
        expiresAtMillis = expiresAt == null ? Long.MAX_VALUE : expiresAt.toEpochMilli();
    }

    /** True once the current token has expired (and no refresh replaced it). */
    public boolean expired(long nowMillis) {
        return nowMillis >= expiresAtMillis;
    }

    /** The client sent a frame: the socket is not idle. */
    public void touched() {
        lastInboundNanos = System.nanoTime();
    }

    /** True when the client has sent nothing for {@code idleNanos}. */
    public boolean idle(long nowNanos, long idleNanos) {
        return nowNanos - lastInboundNanos > idleNanos;
    }

    /**
     * True, and the next one scheduled {@code intervalNanos} later, when a presence
     * heartbeat is due; called by the clock only. The open itself reported the session, so
     * the clock's first look only schedules the next, after a random half to all of the
     * interval (so that sockets opened together do not beat together).
     */
    public boolean heartbeatDue(long nowNanos, long intervalNanos) {
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
    public boolean allowFrame() {
        return budget.take();
    }

    public Map<String, Subscription> subscriptions() {
        return subscriptions;
    }

    /** Completes once the socket writes no more: its input ended. */
    public Mono<Void> finished() {
        return outbound.finished();
    }

    /** Completes once fewer than {@code below} frames wait in the socket's queue, or it ends. */
    public Mono<Void> room(int below) {
        return outbound.room(below);
    }

    /** Queues one frame made for this socket alone (an ack, an error, a control frame). */
    public void send(byte[] frame) {
        if (enqueue(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame)))) {
            counted.count(frame);
        }
    }

    /** Queues a message frame whose wire bytes are shared with every other socket that gets it. */
    public void send(Delivery delivery) {
        if (enqueue(delivery.wire())) {
            counted.countMessage();
        }
    }

    /** True when queued; past the bound the socket is closed (4008) instead. */
    private boolean enqueue(Object message) {
        SocketWriter.Offered offered = outbound.offer(message);
        if (offered == SocketWriter.Offered.OVERFLOW) {
            counted.slowConsumer();
        }
        return offered == SocketWriter.Offered.QUEUED;
    }

    /** Counts a bad frame; true when the socket has used up its tolerance. */
    public boolean badFrame(int tolerated) {
        return badFrames.incrementAndGet() > tolerated;
    }

    /** Counts a frame refused for rate; true when the socket keeps flooding past {@code tolerated} of them. */
    public boolean rateLimited(int tolerated) {
        return rateLimitedFrames.incrementAndGet() > tolerated;
    }

    /**
     * Closes with a status after the frames queued before it. The close is started here
     * and cannot be cancelled by whoever waits for it: sending the close frame ends the
     * socket's input, which ends the streams that asked for the close, and the client must
     * learn why (4001 and 1001 mean different things to it).
     */
    public Mono<Void> close(int code, String reason) {
        return outbound.close(code, reason);
    }

    /** Closes the socket as one that did not read fast enough (4008, counted as a slow consumer); it resumes on reconnect. */
    public Mono<Void> closeSlowConsumer() {
        counted.slowConsumer();
        return close(CloseCodes.POLICY, SocketWriter.OVERFLOW_REASON);
    }

    /** The input side ended: nothing more will be written. */
    public void complete() {
        outbound.end();
    }

    /** Counts a presence call in flight; false, and nothing counted, when {@code max} are already. */
    public boolean startPresenceCall(int max) {
        if (presenceCalls.incrementAndGet() > max) {
            presenceCalls.decrementAndGet();
            return false;
        }
        return true;
    }

    public void endPresenceCall() {
        presenceCalls.decrementAndGet();
    }

    /** True once the socket's input has ended: it is being released and takes no new registrations. */
    public boolean ended() {
        return outbound.ended();
    }

    /**
     * Adds users to the ones this socket watches, all or none: false, and nothing added,
     * when they would take it past {@code cap}.
     */
    public synchronized boolean watch(List<String> userIds, int cap) {
        Set<String> next = watched == null ? new HashSet<>() : new HashSet<>(watched);
        next.addAll(userIds);
        if (next.size() > cap) {
            return false;
        }
        watched = next;
        return true;
    }

    public synchronized Set<String> watched() {
        return watched == null ? Set.of() : Set.copyOf(watched);
    }
}
