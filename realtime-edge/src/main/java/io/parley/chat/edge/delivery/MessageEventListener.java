package io.parley.chat.edge.delivery;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.chat.contracts.events.MessageEvent;
import io.parley.chat.contracts.events.Topics;
import tools.jackson.databind.json.JsonMapper;

/**
 * Feeds {@link Topics#MESSAGES} into the local feeds. Each edge reads every partition
 * in a consumer group of its own (it must see every conversation its sockets watch);
 * an unreadable record is counted and skipped, never allowed to stop the partition.
 */
@Component
class MessageEventListener {

    private static final Logger log = LoggerFactory.getLogger(MessageEventListener.class);

    private final FeedRegistry feeds;
    private final FrameEncoder encoder;
    private final JsonMapper json;
    private final Counter unreadable;

    MessageEventListener(FeedRegistry feeds, FrameEncoder encoder, JsonMapper json, MeterRegistry metrics) {
        this.feeds = feeds;
        this.encoder = encoder;
        this.json = json;
        this.unreadable = Counter.builder("chat.edge.unreadable.events").register(metrics);
    }

    @KafkaListener(topics = Topics.MESSAGES, groupId = "realtime-edge-${random.uuid}")
    void onRecord(ConsumerRecord<String, String> record) {
        if (!feeds.isWatched(record.key())) {
            return;
        }
        MessageEvent event;
        try {
            event = json.readValue(record.value(), MessageEvent.class);
        } catch (RuntimeException e) {
            unreadable.increment();
            log.warn("Skipping unreadable record at {}-{}@{}", record.topic(), record.partition(), record.offset());
            return;
        }
        if (event.conversationId() == null || event.seq() <= 0 || event.type() == null) {
            unreadable.increment();
            return;
        }
        feeds.offer(event.conversationId(), encoder.delivery(event));
    }
}
