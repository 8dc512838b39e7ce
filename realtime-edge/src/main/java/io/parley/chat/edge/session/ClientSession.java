package io.parley.chat.edge.session;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;

import io.parley.chat.contracts.frames.CloseCodes;
import io.parley.chat.edge.delivery.Subscription;
import io.parley.chat.kit.security.ChatPrincipal;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One socket: who is on it, what it subscribed to, and its outbound queue. The queue is
 * bounded: a client that does not read fast enough is closed (it resumes from history
 * on reconnect) rather than letting its backlog grow in the edge's memory or slow the
 * writers that serve everyone else.
 */
final class ClientSession {

    private final WebSocketSession socket;
    private final String sessionId = UUID.randomUUID().toString();
    private final Sinks.Many<WebSocketMessage> outbound;
    private final AtomicInteger queued = new AtomicInteger();
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final AtomicInteger badFrames = new AtomicInteger();
    private volatile ChatPrincipal principal;

    ClientSession(WebSocketSession socket, ChatPrincipal principal, int outboundCapacity) {
        this.socket = socket;
        this.principal = principal;
        this.outbound = Sinks.many().unicast().onBackpressureBuffer(new ArrayBlockingQueue<>(outboundCapacity));
    }

    String sessionId() {
        return sessionId;
    }

    ChatPrincipal principal() {
        return principal;
    }

    Map<String, Subscription> subscriptions() {
        return subscriptions;
    }

    /** The frames to write, in the order they were queued. */
    Flux<WebSocketMessage> outbound() {
        return outbound.asFlux().doOnNext(frame -> queued.decrementAndGet());
    }

    int queued() {
        return queued.get();
    }

    /** Queues the bytes of one frame; the bytes are shared with every other socket that gets the same frame. */
    void send(byte[] frame) {
        WebSocketMessage message = new WebSocketMessage(WebSocketMessage.Type.TEXT, socket.bufferFactory().wrap(frame));
        Sinks.EmitResult result;
        synchronized (this) {
            result = outbound.tryEmitNext(message);
        }
        if (result == Sinks.EmitResult.OK) {
            queued.incrementAndGet();
        } else if (result == Sinks.EmitResult.FAIL_OVERFLOW) {
            close(CloseCodes.POLICY, "outbound buffer overflow: reconnect and resume").subscribe();
        }
    }

    /** Counts a bad frame; true when the socket has used up its tolerance. */
    boolean badFrame(int tolerated) {
        return badFrames.incrementAndGet() > tolerated;
    }

    Mono<Void> close(int code, String reason) {
        synchronized (this) {
            outbound.tryEmitComplete();
        }
        return socket.close(new CloseStatus(code, reason));
    }

    /** The input side ended: nothing more will be written. */
    void complete() {
        synchronized (this) {
            outbound.tryEmitComplete();
        }
    }
}
