package io.parley.chat.gateway.routing;

import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A client socket and the edge socket it is relayed to, as {@link GatewayDrain} sees them:
 * a way to put one frame of the gateway's own into what the client receives, to close both,
 * and to know when both are gone.
 *
 * <p>The gateway's frame never lands inside a message of the edge's. Spring's Reactor Netty
 * session aggregates a fragmented message (a first frame and its continuations) into one
 * before {@code receive()} emits it, and each element of the client-bound stream is written
 * as one whole frame; the frame goes between two of them. That is what
 * {@code WebSocketDrainIT.aReconnectNeverLandsInsideAFragmentedMessage} checks.
 */
final class ProxiedSocket {

    private final WebSocketSession client;
    private final WebSocketSession edge;
    private final Sinks.One<String> injected = Sinks.one();
    private final Sinks.Empty<Void> ended = Sinks.empty();

    ProxiedSocket(WebSocketSession client, WebSocketSession edge) {
        this.client = client;
        this.edge = edge;
    }

    /** What the edge receives: every frame of the client. */
    Flux<WebSocketMessage> towardEdge() {
        return relayed(client);
    }

    /** What the client receives: every frame of the edge, and the injected one between two of them. */
    Flux<WebSocketMessage> towardClient() {
        Flux<WebSocketMessage> fromEdge = relayed(edge).doFinally(signal -> injected.tryEmitEmpty());
        // the message is made when it is written, so a frame that never goes out holds no buffer
        return Flux.merge(fromEdge, injected.asMono().map(client::textMessage));
    }

    private static Flux<WebSocketMessage> relayed(WebSocketSession from) {
        // retain: the inbound buffer is released once read, the outbound write releases it again
        return from.receive().doOnNext(WebSocketMessage::retain);
    }

    /** Sends {@code frame} to the client after the edge's frame in flight, if any; once per socket. */
    void inject(String frame) {
        injected.tryEmitValue(frame);
    }

    /** Closes the client and the edge side with the same status. */
    Mono<Void> close(CloseStatus status) {
        return Mono.when(client.close(status), edge.close(status)).onErrorResume(error -> Mono.empty());
    }

    /** Completes once the relay has ended: both sides closed. */
    Mono<Void> ended() {
        return ended.asMono();
    }

    void end() {
        ended.tryEmitEmpty();
    }
}
