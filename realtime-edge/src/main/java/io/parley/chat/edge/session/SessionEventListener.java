package io.parley.chat.edge.session;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import io.parley.chat.contracts.events.SessionEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.contracts.frames.CloseCodes;
import io.parley.chat.kit.events.EventReader;

/**
 * Closes the sockets of a login that ended ({@code SessionRevoked} from auth-service, on
 * logout, refresh-token reuse or a disabled account) with 4001, as an expired token would:
 * the sockets whose token names that login in its {@code sid}, or every socket of the user
 * when the event names none. Each edge reads the topic in a group of its own, since each
 * holds its own sockets. The login is remembered ({@link RevokedLogins}), so that its
 * still-unexpired access token cannot open a socket again.
 */
@Component
class SessionEventListener {

    private final SessionRegistry sessions;
    private final EventReader events;
    private final RevokedLogins revoked;

    SessionEventListener(SessionRegistry sessions, EventReader events, RevokedLogins revoked) {
        this.sessions = sessions;
        this.events = events;
        this.revoked = revoked;
    }

    @KafkaListener(topics = Topics.SESSIONS, groupId = "realtime-edge-${random.uuid}")
    void onRecord(ConsumerRecord<String, String> record) {
        SessionEvent event = events.read(record, SessionEvent.class).orElse(null);
        if (event == null || event.type() != SessionEvent.Type.SessionRevoked || event.tenantId() == null
                || event.userId() == null) {
            return;
        }
        revoked.revoke(event);
        for (ClientSession session : sessions.of(event.tenantId(), event.userId())) {
            if (event.sessionId() == null || event.sessionId().equals(session.loginId())) {
                session.close(CloseCodes.TOKEN_INVALID, ChatSocketHandler.SIGNED_OUT);
            }
        }
    }
}
