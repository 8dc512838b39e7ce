package io.parley.chat.edge.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import io.parley.chat.contracts.events.MessageEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.edge.delivery.FeedRegistry;
import io.parley.chat.edge.delivery.FrameEncoder;
import io.parley.chat.edge.session.ActivityIndex;
import io.parley.chat.kit.events.EventReader;
import io.parley.chat.kit.kafka.EphemeralListenersAutoConfiguration;

/**
 * Feeds {@link Topics#MESSAGES} into the local feeds (subscribed sockets) and the
 * activity index (members' sockets that are not subscribed). Each edge reads every
 * partition in a consumer group of its own (it must see every conversation its sockets
 * watch); a record of a conversation no one here cares about is skipped by its key,
 * before its JSON is read, and an unreadable record is counted and skipped by the
 * EventReader, never allowed to stop the partition.
 */
@Component
class MessageEventListener {

    private final FeedRegistry feeds;
    private final ActivityIndex activity;
    private final FrameEncoder encoder;
    private final EventReader events;

    MessageEventListener(FeedRegistry feeds, ActivityIndex activity, FrameEncoder encoder, EventReader events) {
        this.feeds = feeds;
        this.activity = activity;
        this.encoder = encoder;
        this.events = events;
    }

    @KafkaListener(topics = Topics.MESSAGES, groupId = "realtime-edge-${random.uuid}",
            containerFactory = EphemeralListenersAutoConfiguration.FACTORY)
    void onRecord(ConsumerRecord<String, String> record) {
        boolean watched = feeds.isWatched(record.key());
        if (!watched && !activity.isIndexed(record.key())) {
            return;
        }
        MessageEvent event = events.read(record, MessageEvent.class)
                .filter(e -> e.conversationId() != null && e.seq() > 0 && e.type() != null)
                .orElse(null);
        if (event == null) {
            return;
        }
        if (watched) {
            feeds.offer(event.conversationId(), encoder.delivery(event));
        }
        activity.offer(event.tenantId(), event.conversationId(), event.seq());
    }
}
