package io.parley.chat.kit.membership;

import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;

import io.parley.chat.contracts.events.ConversationEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.kit.events.EventReader;
import io.parley.chat.kit.kafka.EphemeralListenersAutoConfiguration;

/**
 * Hands conversation events from Kafka to {@link ConversationEvents} (or, in a service that
 * reads no stored list, straight to {@link MembershipClient#forget}). Every replica must
 * see every event, so each consumes in a group of its own from the latest offset, and
 * commits nothing ({@link EphemeralListenersAutoConfiguration}): what it missed while
 * down, it reads from conversation-service's stored list.
 */
class MembershipEventListener {

    private final Consumer<ConversationEvent> sink;
    private final EventReader events;

    MembershipEventListener(Consumer<ConversationEvent> sink, EventReader events) {
        this.sink = sink;
        this.events = events;
    }

    @KafkaListener(topics = Topics.CONVERSATIONS, groupId = "${spring.application.name}-membership-${random.uuid}",
            containerFactory = EphemeralListenersAutoConfiguration.FACTORY)
    void onEvent(ConsumerRecord<String, String> record) {
        events.read(record, ConversationEvent.class).ifPresent(sink);
    }
}
