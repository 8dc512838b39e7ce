package io.parley.chat.edge.delivery;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.chat.edge.config.EdgeProperties;
import reactor.core.publisher.Mono;

/**
 * The feeds of the conversations that have at least one subscriber on this edge. A
 * feed lives while it is referenced; events of other conversations are skipped by key,
 * before their JSON is even read.
 */
@Component
public class FeedRegistry {

    private final ConcurrentMap<String, ConversationFeed> feeds = new ConcurrentHashMap<>();
    private final EdgeProperties properties;

    FeedRegistry(EdgeProperties properties, MeterRegistry metrics) {
        this.properties = properties;
        Gauge.builder("chat.edge.feeds", feeds, ConcurrentMap::size)
                .description("Conversations with subscribers on this edge").register(metrics);
    }

    /**
     * Attaches a subscription to its conversation's feed once the feed knows the
     * conversation's head (read with {@code readHead} the first time).
     */
    public Mono<Void> attach(Subscription subscription, Mono<Long> readHead) {
        boolean[] taken = {false};
        ConversationFeed feed = feeds.compute(subscription.conversationId(), (id, existing) -> {
            if (subscription.released()) {
                return existing;
            }
            ConversationFeed f = existing != null ? existing : new ConversationFeed(id, properties.holeWait());
            f.references++;
            subscription.holdsFeed = true;
            taken[0] = true;
            return f;
        });
        if (!taken[0]) {
            return Mono.empty();
        }
        return feed.initialize(readHead)
                .then(Mono.fromRunnable(() -> attachUnlessReleased(feed, subscription)))
                .doOnError(e -> detach(subscription))
                .then();
    }

    /**
     * A subscription released while its feed was starting (the member was removed, the
     * socket closed, the subscribe failed) must not be attached afterwards: nothing would
     * ever detach it, and it would get the conversation's frames for as long as the feed
     * lives. Release and this check hold the subscription's lock, so one of them sees the other.
     */
    private static void attachUnlessReleased(ConversationFeed feed, Subscription subscription) {
        synchronized (subscription) {
            if (!subscription.released()) {
                feed.attach(subscription);
            }
        }
    }

    /**
     * Lets go of the feed; safe to call more than once for the same subscription, and for
     * one that was never attached.
     */
    public void detach(Subscription subscription) {
        if (!subscription.release()) {
            return;
        }
        // only a subscription counted among the references gives one back: one refused before it was
        // attached (a non-member's) would otherwise close the feed under the members who hold it
        feeds.computeIfPresent(subscription.conversationId(), (id, feed) -> {
            if (!subscription.holdsFeed) {
                return feed;
            }
            subscription.holdsFeed = false;
            feed.detach(subscription);
            if (--feed.references > 0) {
                return feed;
            }
            feed.close();
            return null;
        });
    }

    /** True when this edge has subscribers for the conversation: only then is an event worth decoding. */
    public boolean isWatched(String conversationId) {
        return conversationId != null && feeds.containsKey(conversationId);
    }

    /** Writes a non-log frame to every local subscriber of the conversation. */
    public void broadcast(String conversationId, byte[] frame) {
        broadcast(conversationId, frame, null);
    }

    /** Writes a non-log frame to every local subscriber of the conversation except the sockets of {@code exceptUserId}. */
    public void broadcast(String conversationId, byte[] frame, String exceptUserId) {
        ConversationFeed feed = feeds.get(conversationId);
        if (feed != null) {
            feed.broadcast(frame, exceptUserId);
        }
    }

    public void offer(String conversationId, Delivery delivery) {
        ConversationFeed feed = feeds.get(conversationId);
        if (feed != null) {
            feed.offer(delivery);
        }
    }
}
