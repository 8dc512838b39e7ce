package io.parley.chat.edge.messaging;

import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import io.parley.chat.contracts.events.ConversationEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.contracts.frames.ServerFrames;
import io.parley.chat.edge.delivery.FeedRegistry;
import io.parley.chat.edge.delivery.FrameEncoder;
import io.parley.chat.edge.delivery.Subscription;
import io.parley.chat.edge.session.ActivityIndex;
import io.parley.chat.edge.session.ClientSession;
import io.parley.chat.edge.session.SessionRegistry;
import io.parley.chat.kit.events.EventReader;
import io.parley.chat.kit.kafka.EphemeralListenersAutoConfiguration;
import io.parley.chat.kit.membership.ConversationEvents;

/**
 * Applies membership changes to live sockets: a removed member's subscription ends at
 * once (it stops receiving before any cache anywhere expires) and its sockets are told;
 * the conversation's other subscribers get a {@code conversation} frame for every change.
 * Each edge reads the topic in a group of its own, since each holds its own sockets, and
 * hands what it reads to service-kit's {@link ConversationEvents}, which also reads
 * conversation-service's stored list of recent events: so a removal ends the
 * subscription within that list's poll interval even when Kafka lost or delayed it, and
 * each event is applied once whichever source brings it first.
 */
@Component
class ConversationEventListener {

    private final SessionRegistry sessions;
    private final FeedRegistry feeds;
    private final FrameEncoder encoder;
    private final EventReader events;
    private final ActivityIndex activity;

    private final ConversationEvents conversationEvents;

    ConversationEventListener(SessionRegistry sessions, FeedRegistry feeds, FrameEncoder encoder, EventReader events,
                              ActivityIndex activity, ConversationEvents conversationEvents) {
        this.sessions = sessions;
        this.activity = activity;
        this.feeds = feeds;
        this.encoder = encoder;
        this.events = events;
        this.conversationEvents = conversationEvents;
        conversationEvents.onEvent(this::apply);
    }

    @KafkaListener(topics = Topics.CONVERSATIONS, groupId = "realtime-edge-${random.uuid}",
            containerFactory = EphemeralListenersAutoConfiguration.FACTORY)
    void onRecord(ConsumerRecord<String, String> record) {
        events.read(record, ConversationEvent.class).ifPresent(conversationEvents::accept);
    }

    /** One event, the first time this edge learns of it (ConversationEvents checked its fields). */
    private void apply(ConversationEvent event) {
        List<String> users = event.userIds() == null ? List.of() : event.userIds();
        switch (event.type()) {
            case ConversationCreated, MemberAdded -> activity.membersAdded(event.tenantId(), event.conversationId(), users);
            case MemberRemoved -> users.forEach(user -> activity.memberRemoved(event.tenantId(), event.conversationId(), user));
            case ConversationUpdated -> { }
        }
        String frameEvent = switch (event.type()) {
            case MemberAdded -> "member.added";
            case MemberRemoved -> "member.removed";
            case ConversationUpdated -> "updated";
            case ConversationCreated -> null;
        };
        if (frameEvent == null) {
            return;
        }
        byte[] frame = encoder.encode(new ServerFrames.Conversation(event.conversationId(), frameEvent, users));
        if (event.type() == ConversationEvent.Type.MemberRemoved) {
            users.forEach(user -> removeFromLiveSockets(event.tenantId(), user, event.conversationId(), frame));
        } else if (event.type() == ConversationEvent.Type.MemberAdded) {
            users.forEach(user -> sessions.restore(event.tenantId(), user, event.conversationId()));
        }
        feeds.broadcast(event.conversationId(), frame);
    }

    private void removeFromLiveSockets(String tenantId, String userId, String conversationId, byte[] frame) {
        sessions.revoke(tenantId, userId, conversationId);
        for (ClientSession session : sessions.of(tenantId, userId)) {
            Subscription subscription = session.subscriptions().remove(conversationId);
            if (subscription != null) {
                feeds.detach(subscription);
            }
            session.send(frame);
        }
    }
}
