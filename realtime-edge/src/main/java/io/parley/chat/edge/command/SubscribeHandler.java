package io.parley.chat.edge.command;

import java.time.Duration;
import java.time.Instant;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.parley.chat.contracts.frames.ErrorCode;
import io.parley.chat.contracts.frames.ServerFrames;
import io.parley.chat.edge.clients.MessageClient;
import io.parley.chat.edge.clients.UpstreamRefusal;
import io.parley.chat.edge.delivery.Delivery;
import io.parley.chat.edge.delivery.FeedRegistry;
import io.parley.chat.edge.delivery.FrameEncoder;
import io.parley.chat.edge.delivery.Subscription;
import io.parley.chat.edge.session.ClientSession;
import io.parley.chat.edge.session.SessionRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code subscribe}: authorizes the user, replays history after {@code afterSeq} (or starts
 * at the head without one), then goes live on the conversation's feed with no gap and no
 * duplicate between the two ({@link Subscription}). A subscribe to a conversation the socket
 * already has replaces that subscription.
 */
@Component
class SubscribeHandler implements CommandHandler {

    /** A replay waits while this many frames are queued on the socket. */
    private static final int REPLAY_WINDOW = 64;
    /** History entries decoded ahead of the socket during a replay. */
    private static final int REPLAY_PREFETCH = 16;
    private static final Duration REPLAY_STALL = Duration.ofSeconds(30);

    private final MessageClient messages;
    private final FeedRegistry feeds;
    private final FrameEncoder encoder;
    private final SessionRegistry sessions;
    private final CommandSupport support;
    private final Timer deliveryLatency;
    private final Counter fanout;

    SubscribeHandler(MessageClient messages, FeedRegistry feeds, FrameEncoder encoder, SessionRegistry sessions,
                     CommandSupport support, MeterRegistry metrics) {
        this.messages = messages;
        this.feeds = feeds;
        this.encoder = encoder;
        this.sessions = sessions;
        this.support = support;
        this.deliveryLatency = Timer.builder("chat.delivery.latency")
                .description("message createdAt to frame queued on a socket")
                .publishPercentileHistogram().register(metrics);
        this.fanout = Counter.builder("chat.fanout.deliveries").description("message frames queued to sockets")
                .register(metrics);
    }

    @Override
    public String type() {
        return "subscribe";
    }

    @Override
    public Mono<Void> handle(ClientSession client, String id, JsonNode frame) {
        String conversationId = CommandSupport.field(frame, "conversationId");
        if (conversationId == null) {
            return support.reject(client, id, ErrorCode.INVALID, "'conversationId' is required: 1 to 64 letters, digits, '-' or '_'");
        }
        JsonNode after = frame.path("afterSeq");
        if (!after.isMissingNode() && !after.isNull() && !(after.canConvertToLong() && after.isIntegralNumber()
                && after.asLong() >= 0)) {
            return support.reject(client, id, ErrorCode.INVALID, "'afterSeq' must be a non-negative integer");
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
                    return support.refusal(client, id, e);
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
     * ends it as {@code not-found}.
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

    private Mono<Void> awaitRoom(ClientSession client) {
        return client.room(REPLAY_WINDOW)
                .timeout(REPLAY_STALL, Mono.defer(() -> client.closeSlowConsumer()
                        .then(Mono.error(new UpstreamRefusal(ErrorCode.UNAVAILABLE, "the socket took no frames")))));
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
