package io.parley.chat.edge.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import io.parley.chat.contracts.events.SessionEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.kit.events.EventReader;
import io.parley.chat.kit.kafka.EphemeralListenersAutoConfiguration;
import io.parley.chat.kit.security.RevokedSessions;

/**
 * Hands {@code SessionRevoked} from {@link Topics#SESSIONS} to {@link RevokedSessions}, one
 * of its two sources (auth-service's stored list is the other); the session package's
 * {@code SessionRevocations} closes the sockets of the login that ended. Read in a group of
 * its own, since each edge holds its own sockets.
 */
@Component
class SessionEventListener {

    private final EventReader events;
    private final RevokedSessions revoked;

    SessionEventListener(EventReader events, RevokedSessions revoked) {
        this.events = events;
        this.revoked = revoked;
    }

    @KafkaListener(topics = Topics.SESSIONS, groupId = "realtime-edge-${random.uuid}",
            containerFactory = EphemeralListenersAutoConfiguration.FACTORY)
    void onRecord(ConsumerRecord<String, String> record) {
        SessionEvent event = events.read(record, SessionEvent.class).orElse(null);
        if (event == null || event.type() != SessionEvent.Type.SessionRevoked || event.tenantId() == null
                || event.userId() == null) {
            return;
        }
        revoked.add(event);
    }
}
