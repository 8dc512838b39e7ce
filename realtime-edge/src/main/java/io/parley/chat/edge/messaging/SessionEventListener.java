package io.parley.chat.edge.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import io.parley.chat.contracts.events.SessionEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.contracts.frames.CloseCodes;
import io.parley.chat.edge.session.ChatSocketHandler;
import io.parley.chat.edge.session.ClientSession;
import io.parley.chat.edge.session.SessionRegistry;
import io.parley.chat.kit.events.EventReader;
import io.parley.chat.kit.kafka.EphemeralListenersAutoConfiguration;
import io.parley.chat.kit.security.RevokedSessions;

/**
 * Closes the sockets of a login that ended (on logout, refresh-token reuse or a disabled
 * account) with 4001, as an expired token would: the sockets whose token names that login
 * in its {@code sid}, or every socket of the user when the revocation names none.
 *
 * <p>The edge learns of a revocation from two sources, through {@link RevokedSessions}:
 * {@code SessionRevoked} on Kafka, read here in a group of its own since each edge holds
 * its own sockets, and auth-service's stored list, read every few seconds (so a socket is
 * closed even when the event was lost, and an edge that starts later knows the login
 * ended). Whichever comes first closes the sockets; the login stays remembered, so its
 * still-unexpired access token cannot open a socket again.
 */
@Component
public class SessionEventListener {

    private final SessionRegistry sessions;
    private final EventReader events;
    private final RevokedSessions revoked;

    SessionEventListener(SessionRegistry sessions, EventReader events, RevokedSessions revoked) {
        this.sessions = sessions;
        this.events = events;
        this.revoked = revoked;
        revoked.onRevoked(this::closeSockets);
        revoked.onKeyRevoked(this::closeSocketsSignedBy);
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

    private void closeSockets(SessionEvent event) {
        for (ClientSession session : sessions.of(event.tenantId(), event.userId())) {
            if (event.sessionId() == null || event.sessionId().equals(session.loginId())) {
                session.close(CloseCodes.TOKEN_INVALID, ChatSocketHandler.SIGNED_OUT);
            }
        }
    }

    /**
     * A revoked key's tokens are refused from now on; the sockets opened with one are closed
     * with 4001 as an expired token's are, so that their clients refresh (the refresh token is
     * not signed by it) and connect again with a token of the new key.
     */
    private void closeSocketsSignedBy(String kid) {
        sessions.forEach(session -> {
            if (kid.equals(session.keyId())) {
                session.close(CloseCodes.TOKEN_INVALID, ChatSocketHandler.KEY_REVOKED);
            }
        });
    }
}
