package io.parley.chat.edge.transport;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.parley.chat.contracts.events.SessionEvent;
import io.parley.chat.contracts.frames.CloseCodes;
import io.parley.chat.contracts.frames.ErrorCode;
import io.parley.chat.contracts.frames.ServerFrames;
import io.parley.chat.edge.clients.MessageClient;
import io.parley.chat.edge.clients.MessageClient.Outgoing;
import io.parley.chat.edge.clients.MessageClient.SendOutcome;
import io.parley.chat.edge.clients.PresenceClient;
import io.parley.chat.edge.clients.StoredMessage;
import io.parley.chat.edge.clients.UpstreamRefusal;
import io.parley.chat.edge.config.EdgeProperties;
import io.parley.chat.edge.delivery.Delivery;
import io.parley.chat.edge.delivery.FeedRegistry;
import io.parley.chat.edge.delivery.FrameEncoder;
import io.parley.chat.edge.delivery.Subscription;
import io.parley.chat.edge.presence.PresenceWatchers;
import io.parley.chat.edge.send.SendPipeline;
import io.parley.chat.edge.session.ActivityIndex;
import io.parley.chat.edge.session.ClientSession;
import io.parley.chat.edge.session.EdgeDrain;
import io.parley.chat.edge.session.SessionRegistry;
import io.parley.chat.edge.session.SessionRevocations;
import io.parley.chat.kit.security.ChatPrincipal;
import io.parley.chat.kit.security.RevokedSessions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chat protocol on {@code /ws}. The handshake was authenticated by {@link SocketRoute}
 * (bearer header or {@code bearer.<jwt>} subprotocol); here each socket's frames
 * are read one after another. A {@code send} is handed to the socket's
 * {@link SendPipeline}, which keeps several in flight and stores them in the order the
 * client sent them (docs/decisions/0005). Bad frames get an {@code error} frame and the
 * socket stays up, until a client exceeds its tolerance and is closed with 4008.
 *
 * <p>Where docs/protocol.md leaves room, this edge chooses:
 * <ul>
 * <li>{@code typing} and {@code read} have no reply on success. A refusal (not a member:
 *     {@code forbidden}; no such conversation: {@code not_found}) or presence-service out of
 *     reach ({@code unavailable}, retryable) is an {@code error} frame carrying the request's
 *     {@code id}. A typer's own sockets are not told it types; {@code read} reaches every
 *     subscriber of the conversation, the reader's other devices included.</li>
 * <li>{@code presence.watch} adds to what the socket watches: 1 to 100 user ids per frame, at
 *     most {@code chat.edge.max-watched-users} (500) per socket; there is no unwatch short of
 *     closing the socket. {@code presence} frames carry no {@code id}; {@code status} may be
 *     {@code unknown} while presence-service cannot read its store.</li>
 * <li>{@code activity} covers the user's 500 most recently active conversations when the
 *     socket connects, plus those joined since; it is coalesced to at most one frame per
 *     conversation per socket every 250 ms, with the latest {@code headSeq}; every log entry
 *     counts (edits, deletes, and the user's own sends from another device).</li>
 * <li>A login that ends (logout, refresh-token reuse, account disabled) closes its sockets
 *     with 4001, reason {@value SessionRevocations#SIGNED_OUT}, and its token cannot open another.</li>
 * </ul>
 */
@Component
class ChatSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(ChatSocketHandler.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** What presence-service answers in one read. */
    private static final int WATCH_PER_FRAME = 100;
    private static final int PRESENCE_CALLS_IN_FLIGHT = 4;

    private final EdgeProperties properties;
    private final MessageClient messages;
    private final PresenceClient presence;
    private final FeedRegistry feeds;
    private final FrameEncoder encoder;
    private final JsonMapper json;
    private final MeterRegistry metrics;
    private final SessionRegistry sessions;
    private final ReactiveJwtDecoder tokens;
    private final PresenceWatchers watchers;
    private final ActivityIndex activity;
    private final RevokedSessions revokedSessions;
    private final EdgeDrain drain;
    private final AtomicInteger open = new AtomicInteger();
    private final Timer sendDuration;
    private final Timer deliveryLatency;
    private final Counter fanout;
    private final OutboundFrames outboundFrames;

    ChatSocketHandler(EdgeProperties properties, MessageClient messages, PresenceClient presence, FeedRegistry feeds,
                      FrameEncoder encoder, JsonMapper json, MeterRegistry metrics, SessionRegistry sessions,
                      ReactiveJwtDecoder tokens, PresenceWatchers watchers, ActivityIndex activity,
                      RevokedSessions revokedSessions, EdgeDrain drain) {
        this.properties = properties;
        this.messages = messages;
        this.presence = presence;
        this.feeds = feeds;
        this.encoder = encoder;
        this.json = json;
        this.metrics = metrics;
        this.sessions = sessions;
        this.tokens = tokens;
        this.watchers = watchers;
        this.activity = activity;
        this.revokedSessions = revokedSessions;
        this.drain = drain;
        Gauge.builder("chat.ws.connections", open, AtomicInteger::get).description("Open WebSocket sessions")
                .register(metrics);
        this.sendDuration = Timer.builder("chat.send.duration").description("send frame in to ack out")
                .publishPercentileHistogram().register(metrics);
        this.deliveryLatency = Timer.builder("chat.delivery.latency")
                .description("message createdAt to frame queued on a socket")
                .publishPercentileHistogram().register(metrics);
        this.outboundFrames = new OutboundFrames(metrics);
        this.fanout = Counter.builder("chat.fanout.deliveries").description("message frames queued to sockets")
                .register(metrics);
    }

    private static String keyId(Jwt jwt) {
        return jwt.getHeaders().get("kid") instanceof String kid ? kid : null;
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
        client.login(jwt.getClaimAsString(SessionEvent.SESSION_CLAIM), keyId(jwt));
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

    // ---- frames in

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
            return reject(client, null, inbound.refusal(), inbound.reason());
        }
        JsonNode frame;
        try {
            frame = json.readTree(inbound.text());
        } catch (JacksonException e) {
            return reject(client, null, ErrorCode.INVALID, "frame is not valid JSON");
        }
        if (frame == null || !frame.isObject() || !frame.path("type").isString()) {
            return reject(client, null, ErrorCode.INVALID, "frame must be a JSON object with a string 'type'");
        }
        String id = frame.path("id").isValueNode() ? frame.path("id").asString() : null;
        String type = frame.get("type").asString();
        metrics.counter("chat.ws.frames", "direction", "in", "type", knownType(type)).increment();
        return switch (type) {
            case "ping" -> reply(client, new ServerFrames.Pong(id));
            case "subscribe" -> subscribe(client, id, frame);
            case "unsubscribe" -> unsubscribe(client, id, frame);
            case "send" -> send(client, id, frame);
            case "auth.refresh" -> refreshToken(client, id, frame);
            case "typing" -> typing(client, id, frame);
            case "read" -> read(client, id, frame);
            case "presence.watch" -> watchPresence(client, id, frame);
            default -> reject(client, id, ErrorCode.INVALID, "unknown frame type");
        };
    }

    private Mono<Void> subscribe(ClientSession client, String id, JsonNode frame) {
        String conversationId = field(frame, "conversationId");
        if (conversationId == null) {
            return reject(client, id, ErrorCode.INVALID, "'conversationId' is required: 1 to 64 letters, digits, '-' or '_'");
        }
        JsonNode after = frame.path("afterSeq");
        if (!after.isMissingNode() && !after.isNull() && !(after.canConvertToLong() && after.isIntegralNumber()
                && after.asLong() >= 0)) {
            return reject(client, id, ErrorCode.INVALID, "'afterSeq' must be a non-negative integer");
        }
        Long afterSeq = after.isIntegralNumber() ? after.asLong() : null;
        Subscription previous = client.subscriptions().remove(conversationId);
        if (previous != null) {
            feeds.detach(previous);
        }
        String token = client.principal().token();
        Subscription subscription = new Subscription(conversationId, afterSeq == null ? 0 : afterSeq,
                new SocketSink(client));
        client.subscriptions().put(conversationId, subscription);
        return authorize(token, conversationId)
                .flatMap(head -> {
                    if (afterSeq == null) {
                        subscription.skipTo(head);
                    }
                    return feeds.attach(subscription, messages.headSeq(token, conversationId))
                            .then(replay(client, subscription, subscription.lastSeq()));
                })
                .then(Mono.defer(() -> goLive(client, id, subscription)))
                .onErrorResume(e -> {
                    client.subscriptions().remove(conversationId, subscription);
                    feeds.detach(subscription);
                    return refusal(client, id, e);
                });
    }

    /**
     * Confirms that the socket's user is a member before the subscription is attached to
     * the conversation's feed: until then it gets none of the conversation's frames, not a
     * {@code typing} or a {@code read} either (a foreign socket that sent {@code subscribe}
     * over and over used to get them in the moment between attaching and the refusal).
     * message-service answers as that user; its head seq is the answer.
     */
    private Mono<Long> authorize(String token, String conversationId) {
        return messages.headSeq(token, conversationId);
    }

    /**
     * Writes every entry after {@code afterSeq} from history, one after another as the
     * socket takes them: at most {@value #REPLAY_WINDOW} frames wait in its queue, so a
     * replay of any length holds a window in memory, never the history. A socket that takes
     * nothing for {@link #REPLAY_STALL} is closed as too slow (it resumes when it reconnects).
     */
    private Mono<Void> replay(ClientSession client, Subscription subscription, long afterSeq) {
        return messages.historyAfter(client.principal().token(), subscription.conversationId(), afterSeq)
                .concatMap(entry -> awaitRoom(client).thenReturn(entry), REPLAY_PREFETCH)
                .doOnNext(entry -> subscription.replay(encoder.delivery(entry)))
                .then();
    }

    /**
     * Replies {@code subscribed} and writes what the feed handed over meanwhile; when the
     * replay took so long that held-back deliveries had to be let go, reads history again
     * from where it got to first. A membership revoked while the subscribe was on its way
     * ends it as {@code not_found}.
     */
    private Mono<Void> goLive(ClientSession client, String id, Subscription subscription) {
        String conversationId = subscription.conversationId();
        if (sessions.isRevoked(client.principal().tenantId(), client.principal().userId(), conversationId)) {
            return Mono.error(new UpstreamRefusal(ErrorCode.NOT_FOUND,
                    "No conversation " + conversationId + " that you are a member of."));
        }
        long head = subscription.lastSeq();
        boolean live = subscription.goLive(head,
                () -> client.send(encoder.encode(new ServerFrames.Subscribed(id, conversationId, head))));
        return live ? Mono.empty()
                : replay(client, subscription, subscription.lastSeq()).then(Mono.defer(() -> goLive(client, id, subscription)));
    }

    /** A replay waits while this many frames are queued on the socket. */
    private static final int REPLAY_WINDOW = 64;
    /** History entries decoded ahead of the socket during a replay. */
    private static final int REPLAY_PREFETCH = 16;
    private static final Duration REPLAY_STALL = Duration.ofSeconds(30);

    private Mono<Void> awaitRoom(ClientSession client) {
        return client.room(REPLAY_WINDOW)
                .timeout(REPLAY_STALL, Mono.defer(() -> {
                    outboundFrames.slowConsumer();
                    return client.close(CloseCodes.POLICY, SocketWriter.OVERFLOW_REASON)
                            .then(Mono.error(new UpstreamRefusal(ErrorCode.UNAVAILABLE, "the socket took no frames")));
                }));
    }

    /**
     * Replaces the socket's token before it expires. The new token is validated like a
     * handshake's and must name the same user in the same tenant; anything else closes the
     * socket with 4001, as an expired token would.
     */
    private Mono<Void> refreshToken(ClientSession client, String id, JsonNode frame) {
        JsonNode token = frame.path("token");
        if (!token.isString() || token.asString().isBlank()) {
            return reject(client, id, ErrorCode.INVALID, "'auth.refresh' needs a string 'token'");
        }
        ChatPrincipal current = client.principal();
        return tokens.decode(token.asString())
                .filter(jwt -> current.userId().equals(jwt.getSubject())
                        && current.tenantId().equals(jwt.getClaimAsString(ChatPrincipal.TENANT_CLAIM))
                        && !revokedSessions.isRevoked(jwt))
                .doOnNext(jwt -> {
                    client.refresh(ChatPrincipal.from(jwt), jwt.getExpiresAt(), jwt.getClaimAsString(SessionEvent.SESSION_CLAIM),
                            keyId(jwt));
                    client.send(encoder.encode(new ServerFrames.AuthOk(id)));
                    recheckMemberships(client);
                })
                .switchIfEmpty(Mono.defer(() -> client.close(CloseCodes.TOKEN_INVALID,
                        "token is for another user or a login that ended")
                        .then(Mono.empty())))
                .onErrorResume(e -> client.close(CloseCodes.TOKEN_INVALID, "token rejected").then(Mono.empty()))
                .then();
    }

    /**
     * Asks again, as the user, whether each subscribed conversation still has them: a removal
     * whose event this edge never got (a lost or late {@code MemberRemoved}) ends the
     * subscription here, with the {@code conversation} frame the event would have sent. Runs
     * beside the socket's frames, a few conversations at a time; a check that cannot be
     * answered keeps the subscription (the next refresh asks again).
     */
    private void recheckMemberships(ClientSession client) {
        String token = client.principal().token();
        Flux.fromIterable(List.copyOf(client.subscriptions().values()))
                .flatMap(subscription -> messages.headSeq(token, subscription.conversationId())
                        .then(Mono.<Subscription>empty())
                        .onErrorResume(e -> e instanceof UpstreamRefusal refusal
                                && refusal.code() == ErrorCode.NOT_FOUND ? Mono.just(subscription) : Mono.empty()),
                        MEMBERSHIP_RECHECKS)
                .subscribe(removed -> {
                    if (client.subscriptions().remove(removed.conversationId(), removed)) {
                        feeds.detach(removed);
                        client.send(encoder.encode(new ServerFrames.Conversation(removed.conversationId(),
                                "member.removed", List.of(client.principal().userId()))));
                    }
                });
    }

    /** Membership checks in flight at once for one socket's {@code auth.refresh}. */
    private static final int MEMBERSHIP_RECHECKS = 4;

    private Mono<Void> unsubscribe(ClientSession client, String id, JsonNode frame) {
        String conversationId = field(frame, "conversationId");
        if (conversationId == null) {
            return reject(client, id, ErrorCode.INVALID, "'conversationId' is required");
        }
        Subscription subscription = client.subscriptions().remove(conversationId);
        if (subscription != null) {
            feeds.detach(subscription);
        }
        return reply(client, new ServerFrames.Unsubscribed(id, conversationId));
    }

    private Mono<Void> send(ClientSession client, String id, JsonNode frame) {
        String conversationId = field(frame, "conversationId");
        String clientMsgId = field(frame, "clientMsgId");
        JsonNode body = frame.path("body");
        if (conversationId == null || clientMsgId == null || !body.isString()) {
            return reject(client, id, ErrorCode.INVALID,
                    "'send' needs 'conversationId' and 'clientMsgId' (1 to 64 letters, digits, '-' or '_') and a string 'body'");
        }
        return client.sends(this::pipeline).submit(new SendPipeline.Pending(id, conversationId,
                new Outgoing(clientMsgId, body.asString()), System.nanoTime()));
    }

    /**
     * A socket's sends in flight (docs/decisions/0005): batches of its sends to one
     * conversation, in its order, with the token the socket holds when each batch leaves.
     */
    private SendPipeline pipeline(ClientSession client) {
        int inFlight = properties.maxSendsInFlight();
        return new SendPipeline(inFlight, Math.min(inFlight, MessageClient.MAX_BATCH),
                (conversationId, batch) -> messages.sendAll(client.principal().token(), conversationId, batch),
                (send, outcome) -> answer(client, send, outcome));
    }

    private void answer(ClientSession client, SendPipeline.Pending send, SendOutcome outcome) {
        if (outcome.message() != null) {
            StoredMessage m = outcome.message();
            client.send(encoder.encode(new ServerFrames.Ack(send.id(), m.clientMsgId(), m.messageId(), m.seq(),
                    m.createdAt())));
            sendDuration.record(System.nanoTime() - send.arrivedNanos(), TimeUnit.NANOSECONDS);
        } else {
            client.send(encoder.encode(new ServerFrames.Error(send.id(), outcome.refusal().code(),
                    outcome.refusal().getMessage())));
        }
    }

    /**
     * Relayed to presence-service, which checks membership, throttles and publishes the
     * event every edge relays to the conversation's subscribers. No reply on success
     * (docs/protocol.md); a refusal, or presence-service being out of reach, is an error frame.
     */
    private Mono<Void> typing(ClientSession client, String id, JsonNode frame) {
        String conversationId = field(frame, "conversationId");
        if (conversationId == null) {
            return reject(client, id, ErrorCode.INVALID, "'typing' needs a 'conversationId'");
        }
        return detached(client, id, presence.typing(client.principal().token(), conversationId));
    }

    /** Moves the user's read marker; the conversation's members learn of it through a {@code read} frame. No reply on success. */
    private Mono<Void> read(ClientSession client, String id, JsonNode frame) {
        String conversationId = field(frame, "conversationId");
        JsonNode seq = frame.path("seq");
        if (conversationId == null || !seq.isIntegralNumber() || !seq.canConvertToLong() || seq.asLong() < 0) {
            return reject(client, id, ErrorCode.INVALID, "'read' needs a 'conversationId' and a non-negative integer 'seq'");
        }
        return detached(client, id, presence.read(client.principal().token(), conversationId, seq.asLong()));
    }

    /**
     * Follows the users' presence: a {@code presence} frame for each now (as presence-service
     * knows it), then one on every change. Watches add up, to at most
     * {@code maxWatchedUsers} per socket. The watch is registered before presence is read,
     * so a change that happens meanwhile is not missed; if presence-service cannot be
     * read, the client gets a retryable error and the watch stays in place.
     */
    private Mono<Void> watchPresence(ClientSession client, String id, JsonNode frame) {
        List<String> userIds = userIds(frame.path("userIds"));
        if (userIds == null) {
            return reject(client, id, ErrorCode.INVALID, "'presence.watch' needs 'userIds': 1 to " + WATCH_PER_FRAME
                    + " user ids (1 to 64 letters, digits, '-' or '_')");
        }
        if (!watchers.watch(client, userIds, properties.maxWatchedUsers())) {
            return reject(client, id, ErrorCode.INVALID, "a socket may watch at most " + properties.maxWatchedUsers()
                    + " users");
        }
        return detached(client, id, presence.presence(client.principal().token(), userIds)
                .doOnNext(p -> client.send(encoder.encode(new ServerFrames.Presence(p.userId(), p.status(), p.lastSeenAt()))))
                .then());
    }

    /**
     * Runs a presence call beside the socket's frame sequence instead of in it: a slow or
     * unreachable presence-service must never hold up the sends queued behind a
     * {@code typing}. At most {@value #PRESENCE_CALLS_IN_FLIGHT} per socket at once; more
     * get a retryable {@code rate_limited}. A failure is an error frame answering {@code id}.
     */
    private Mono<Void> detached(ClientSession client, String id, Mono<Void> call) {
        if (!client.startPresenceCall(PRESENCE_CALLS_IN_FLIGHT)) {
            return reply(client, new ServerFrames.Error(id, ErrorCode.RATE_LIMITED,
                    "too many typing, read or presence requests in progress; retry shortly"));
        }
        call.onErrorResume(e -> refusal(client, id, e))
                .doFinally(signal -> client.endPresenceCall())
                .subscribe();
        return Mono.empty();
    }

    /** Distinct valid ids, in the order given; null when the list is missing, empty, too long or has a bad id. */
    private static List<String> userIds(JsonNode list) {
        if (!list.isArray() || list.isEmpty() || list.size() > WATCH_PER_FRAME) {
            return null;
        }
        java.util.LinkedHashSet<String> ids = new java.util.LinkedHashSet<>();
        for (JsonNode user : list) {
            if (!user.isString() || !ID.matcher(user.asString()).matches()) {
                return null;
            }
            ids.add(user.asString());
        }
        return List.copyOf(ids);
    }

    // ---- frames out

    private Mono<Void> reply(ClientSession client, Object frame) {
        client.send(encoder.encode(frame));
        return Mono.empty();
    }

    private Mono<Void> refusal(ClientSession client, String id, Throwable e) {
        if (e instanceof UpstreamRefusal refusal) {
            return reply(client, new ServerFrames.Error(id, refusal.code(), refusal.getMessage()));
        }
        log.warn("Request on a socket failed: {}", e.toString());
        return reply(client, new ServerFrames.Error(id, ErrorCode.INTERNAL, "the request failed; retry"));
    }

    private Mono<Void> reject(ClientSession client, String id, ErrorCode code, String message) {
        metrics.counter("chat.ws.rejected.frames", "code", code.wire()).increment();
        client.send(encoder.encode(new ServerFrames.Error(id, code, message)));
        if (client.badFrame(properties.maxBadFrames())) {
            return client.close(CloseCodes.POLICY, "too many bad frames");
        }
        return Mono.empty();
    }

    private static String field(JsonNode frame, String name) {
        JsonNode value = frame.path(name);
        return value.isString() && ID.matcher(value.asString()).matches() ? value.asString() : null;
    }

    private static String knownType(String type) {
        return switch (type) {
            case "ping", "subscribe", "unsubscribe", "send", "typing", "read", "presence.watch", "auth.refresh" -> type;
            default -> "unknown";
        };
    }

    /** Where a socket's subscriptions write: its queue, with delivery metrics, and its user's history reads. */
    private final class SocketSink implements Subscription.Sink {

        private final ClientSession client;

        SocketSink(ClientSession client) {
            this.client = client;
        }

        @Override
        public void write(Delivery delivery) {
            client.send(delivery);
            fanout.increment();
            if (delivery.createdAt() != null) {
                deliveryLatency.record(Duration.between(delivery.createdAt(), Instant.now()));
            }
        }

        @Override
        public void control(byte[] frame) {
            client.send(frame);
        }

        @Override
        public String userId() {
            return client.principal().userId();
        }

        @Override
        public Flux<Delivery> readAfter(String conversationId, long seq) {
            return messages.historyAfter(client.principal().token(), conversationId, seq).map(encoder::delivery);
        }
    }
}
