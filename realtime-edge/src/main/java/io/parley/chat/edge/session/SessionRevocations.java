package io.parley.chat.edge.session;

import org.springframework.stereotype.Component;

import io.parley.chat.contracts.events.SessionEvent;
import io.parley.chat.contracts.frames.CloseCodes;
import io.parley.chat.kit.security.RevokedSessions;

/**
 * Closes the sockets of a login that ended (on logout, refresh-token reuse or a disabled
 * account) with 4001, reason {@value #SIGNED_OUT}, as an expired token would: the sockets
 * whose token names that login in its {@code sid}, or every socket of the user when the
 * revocation names none. Its token cannot open another (the handshake checks
 * {@link RevokedSessions} too).
 *
 * <p>The edge learns of a revocation from two sources, through {@link RevokedSessions}:
 * {@code SessionRevoked} on Kafka (read by the messaging {@code SessionEventListener}), and
 * auth-service's stored list, read every few seconds (so a socket is closed even when the
 * event was lost, and an edge that starts later knows the login ended). Whichever comes
 * first closes the sockets; the login stays remembered, so its still-unexpired access token
 * cannot open a socket again.
 */
@Component
public class SessionRevocations {

    /** The close reason when a socket's login ended (SessionRevoked), at the handshake or later. */
    public static final String SIGNED_OUT = "signed out: sign in again";
    /** The close reason when the key that signed a socket's token was revoked. */
    static final String KEY_REVOKED = "the key that signed this token was revoked: refresh the token";

    private final SessionRegistry sessions;

    SessionRevocations(SessionRegistry sessions, RevokedSessions revoked) {
        this.sessions = sessions;
        revoked.onRevoked(this::closeSockets);
        revoked.onKeyRevoked(this::closeSocketsSignedBy);
    }

    private void closeSockets(SessionEvent event) {
        for (ClientSession session : sessions.of(event.tenantId(), event.userId())) {
            if (event.sessionId() == null || event.sessionId().equals(session.loginId())) {
                session.close(CloseCodes.TOKEN_INVALID, SIGNED_OUT);
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
                session.close(CloseCodes.TOKEN_INVALID, KEY_REVOKED);
            }
        });
    }
}
