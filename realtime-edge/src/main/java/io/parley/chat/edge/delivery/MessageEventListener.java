package io.parley.chat.edge.delivery;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import io.parley.chat.contracts.events.MessageEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.kit.events.EventReader;

/**
 * Feeds {@link Topics#MESSAGES} into the local feeds. Each edge reads every partition
 * in a consumer group of its own (it must see every conversation its sockets watch);
 * an unreadable record is counted and skipped by the EventReader, never allowed to stop
 * the partition.
 */
@Component
class MessageEventListener {

    private final FeedRegistry feeds;
    private final FrameEncoder encoder;
    private final EventReader events;

    MessageEventListener(FeedRegistry feeds, FrameEncoder encoder, EventReader events) {
        this.feeds = feeds;
        this.encoder = encoder;
        this.events = events;
    }

    @KafkaListener(topics = Topics.MESSAGES, groupId = "realtime-edge-${random.uuid}")
    void onRecord(ConsumerRecord<String, String> record) {
        if (!feeds.isWatched(record.key())) {
            return;
        }
        events.read(record, MessageEvent.class)
                .filter(event -> event.conversationId() != null && event.seq() > 0 && event.type() != null)
                .ifPresent(event -> feeds.offer(event.conversationId(), encoder.delivery(event)));
    }
}
