package io.parley.chat.edge.messaging;

import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import io.parley.chat.contracts.events.PresenceEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.contracts.frames.ServerFrames;
import io.parley.chat.edge.delivery.FeedRegistry;
import io.parley.chat.edge.delivery.FrameEncoder;
import io.parley.chat.edge.presence.PresenceWatchers;
import io.parley.chat.edge.session.ClientSession;
import io.parley.chat.kit.events.EventReader;
import io.parley.chat.kit.kafka.EphemeralListenersAutoConfiguration;

/**
 * Relays {@link Topics#PRESENCE} to the sockets that care, each event encoded once and
 * the same bytes written to all of them: {@code typing} and {@code read} to the
 * conversation's subscribers on this edge (a typer's own sockets are not told it types),
 * {@code presence} to the sockets of the same tenant that watch the user. Presence-service
 * has already checked membership before publishing. Each edge reads the topic in a group
 * of its own, since each holds its own sockets; an unreadable record is counted and skipped.
 */
@Component
class PresenceEventListener {

    private final FeedRegistry feeds;
    private final PresenceWatchers watchers;
    private final FrameEncoder encoder;
    private final EventReader events;

    PresenceEventListener(FeedRegistry feeds, PresenceWatchers watchers, FrameEncoder encoder, EventReader events) {
        this.feeds = feeds;
        this.watchers = watchers;
        this.encoder = encoder;
        this.events = events;
    }

    @KafkaListener(topics = Topics.PRESENCE, groupId = "realtime-edge-${random.uuid}",
            containerFactory = EphemeralListenersAutoConfiguration.FACTORY)
    void onRecord(ConsumerRecord<String, String> record) {
        PresenceEvent event = events.read(record, PresenceEvent.class).orElse(null);
        if (event == null || event.type() == null || event.tenantId() == null || event.userId() == null) {
            return;
        }
        switch (event.type()) {
            case Typing -> {
                if (feeds.isWatched(event.conversationId())) {
                    feeds.broadcast(event.conversationId(),
                            encoder.encode(new ServerFrames.Typing(event.conversationId(), event.userId())), event.userId());
                }
            }
            case ReadMarker -> {
                if (event.seq() != null && feeds.isWatched(event.conversationId())) {
                    feeds.broadcast(event.conversationId(),
                            encoder.encode(new ServerFrames.Read(event.conversationId(), event.userId(), event.seq())));
                }
            }
            case PresenceChanged -> {
                Set<ClientSession> watching = watchers.of(event.tenantId(), event.userId());
                if (!watching.isEmpty() && event.status() != null) {
                    byte[] frame = encoder.encode(new ServerFrames.Presence(event.userId(), event.status(), event.at()));
                    watching.forEach(session -> session.send(frame));
                }
            }
        }
    }
}
