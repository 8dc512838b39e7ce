package io.parley.chat.edge.socket;

import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.parley.chat.contracts.events.SessionEvent;
import io.parley.chat.contracts.frames.CloseCodes;
import io.parley.chat.contracts.frames.ErrorCode;
import io.parley.chat.contracts.frames.ServerFrames;
import io.parley.chat.edge.clients.PresenceClient;
import io.parley.chat.edge.command.CommandSupport;
import io.parley.chat.edge.command.Commands;
import io.parley.chat.edge.config.EdgeProperties;
import io.parley.chat.edge.delivery.FeedRegistry;
import io.parley.chat.edge.delivery.FrameEncoder;
import io.parley.chat.edge.presence.PresenceWatchers;
import io.parley.chat.edge.session.ActivityIndex;
import io.parley.chat.edge.session.ClientSession;
import io.parley.chat.edge.session.EdgeDrain;
import io.parley.chat.edge.session.SessionRegistry;
import io.parley.chat.edge.session.SessionRevocations;
import io.parley.chat.edge.transport.FrameBudget;
import io.parley.chat.edge.transport.OutboundFrames;
import io.parley.chat.kit.security.ChatPrincipal;
import io.parley.chat.kit.security.RevokedSessions;
import reactor.core.publisher.Mono;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chat protocol on {@code /ws}. The handshake was authenticated by {@link SocketRoute}
 * (bearer header or {@code bearer.<jwt>} subprotocol); here each socket's frames
 * are read one after another, decoded, and handed to the handler of their type
 * ({@link Commands}). Bad frames get an {@code error} frame and the socket stays up,
 * until a client exceeds its tolerance and is closed with 4008.
 *
 * <p>Where docs/protocol.md leaves room, the edge's choices are stated where they are
 * made: in the command handlers ({@code typing}, {@code read}, {@code presence.watch}),
 * {@link ActivityIndex} ({@code activity}) and {@link SessionRevocations} (a login that ends).
 */
@Component
class ChatSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(ChatSocketHandler.class);

    private final EdgeProperties properties;
    private final PresenceClient presence;
    private final FeedRegistry feeds;
    private final FrameEncoder encoder;
    private final JsonMapper json;
    private final MeterRegistry metrics;
    private final SessionRegistry sessions;
    private final PresenceWatchers watchers;
    private final ActivityIndex activity;
    private final RevokedSessions revokedSessions;
    private final EdgeDrain drain;
    private final Commands commands;
    private final CommandSupport support;
    private final AtomicInteger open = new AtomicInteger();
    private final OutboundFrames outboundFrames;

    ChatSocketHandler(EdgeProperties properties, PresenceClient presence, FeedRegistry feeds, FrameEncoder encoder,
                      JsonMapper json, MeterRegistry metrics, SessionRegistry sessions, PresenceWatchers watchers,
                      ActivityIndex activity, RevokedSessions revokedSessions, EdgeDrain drain, Commands commands,
                      CommandSupport support) {
        this.properties = properties;
        this.presence = presence;
        this.feeds = feeds;
        this.encoder = encoder;
        this.json = json;
        this.metrics = metrics;
        this.sessions = sessions;
        this.watchers = watchers;
        this.activity = activity;
        this.revokedSessions = revokedSessions;
        this.drain = drain;
        this.commands = commands;
        this.support = support;
        Gauge.builder("chat.ws.connections", open, AtomicInteger::get).description("Open WebSocket sessions")
                .register(metrics);
        this.outboundFrames = new OutboundFrames(metrics);
    }

    /** Serves one socket whose handshake carried {@code jwt}, until it closes. */
    Mono<Void> serve(WebsocketInbound in, WebsocketOutbound out, Jwt jwt) {
        if (revokedSessions.isRevoked(jwt)) {
            return out.sendClose(CloseCodes.TOKEN_INVALID, SessionRevocations.SIGNED_OUT);
        }
        ChatPrincipal principal = ChatPrincipal.from(jwt);
        if (sessions.count(principal.tenantId(), principal.userId()) >= properties.maxConnectionsPerUser()) {
            metrics.counter("chat.ws.refused.connections", "reason", "per-user-cap").increment();
            return out.sendClose(CloseCodes.RATE_LIMITED, "too many connections for this user");
        }
        ClientSession client = new ClientSession(out, principal, jwt.getExpiresAt(), properties.outboundBuffer(),
                new FrameBudget(properties.framesPerSecond(), properties.frameBurst()), outboundFrames);
        client.login(jwt.getClaimAsString(SessionEvent.SESSION_CLAIM), ClientSession.keyIdOf(jwt));
        open.incrementAndGet();
        sessions.add(client);
        drain.admitted(client);
        activity.connected(client);
        presence.alive(principal.token(), client.sessionId()).subscribe();
        // the handshake is over and the token decoded: the request's headers (the token among
        // them) would otherwise stay in memory for as long as the socket is open
        in.headers().clear();
        Mono<Void> output = client.finished();
        Mono<Void> input = in.aggregateFrames(SocketRoute.NETTY_FRAME_LIMIT).receiveFrames()
                .doOnNext(frame -> client.touched())
                .filter(frame -> !(frame instanceof PongWebSocketFrame))
                .map(this::read)
                // no prefetch: a queue of 32 read-ahead frames per socket is 400 B that an idle socket
                // never uses, and a client's frames are handled one at a time anyway
                .concatMap(frame -> handle(client, frame), 0)
                .then()
                .doFinally(signal -> client.complete());
        return Mono.when(output, input)
                .onErrorResume(e -> {
                    log.debug("Socket {} ended with {}", client.sessionId(), e.toString());
                    return Mono.empty();
                })
                .doFinally(signal -> release(client));
    }

    private void release(ClientSession client) {
        open.decrementAndGet();
        sessions.remove(client);
        watchers.release(client);
        activity.released(client);
        client.subscriptions().values().forEach(feeds::detach);
        client.subscriptions().clear();
        client.closeSends();
        presence.gone(client.principal().token(), client.sessionId()).subscribe();
    }

    /** A frame as read off the socket: its text, unless it was binary or too large to read. */
    private record Inbound(String text, ErrorCode refusal, String reason) {
    }

    private Inbound read(WebSocketFrame message) {
        if (!(message instanceof TextWebSocketFrame text)) {
            return new Inbound(null, ErrorCode.INVALID, "frames must be JSON text");
        }
        int size = text.content().readableBytes();
        if (size > properties.maxFrameBytes()) {
            return new Inbound(null, ErrorCode.TOO_LARGE, "frame of " + size + " bytes exceeds " + properties.maxFrameBytes());
        }
        return new Inbound(text.text(), null, null);
    }

    private Mono<Void> handle(ClientSession client, Inbound inbound) {
        if (!client.allowFrame()) {
            metrics.counter("chat.ws.rejected.frames", "code", ErrorCode.RATE_LIMITED.wire()).increment();
            client.send(encoder.encode(new ServerFrames.Error(null, ErrorCode.RATE_LIMITED,
                    "too many frames: at most " + properties.framesPerSecond() + " per second")));
            return client.rateLimited(properties.frameBurst())
                    ? client.close(CloseCodes.RATE_LIMITED, "frame rate limit exceeded")
                    : Mono.empty();
        }
        if (inbound.refusal() != null) {
            return support.reject(client, null, inbound.refusal(), inbound.reason());
        }
        JsonNode frame;
        try {
            frame = json.readTree(inbound.text());
        } catch (JacksonException e) {
            return support.reject(client, null, ErrorCode.INVALID, "frame is not valid JSON");
        }
        if (frame == null || !frame.isObject() || !frame.path("type").isString()) {
            return support.reject(client, null, ErrorCode.INVALID, "frame must be a JSON object with a string 'type'");
        }
        String id = frame.path("id").isValueNode() ? frame.path("id").asString() : null;
        String type = frame.get("type").asString();
        metrics.counter("chat.ws.frames", "direction", "in", "type", commands.knows(type) ? type : "unknown").increment();
        return commands.handle(client, id, type, frame);
    }
}
