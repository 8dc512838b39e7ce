package io.parley.chat.contracts.events;

import java.time.Instant;

/**
 * A login ended, on {@link Topics#SESSIONS}, keyed by user id. {@code sessionId} is the
 * login's refresh-token family, which access tokens carry as their {@value #SESSION_CLAIM}
 * claim; null means every session of the user (the account was disabled). Edges close the
 * matching sockets with 4001.
 */
public record SessionEvent(
        String eventId,
        Type type,
        String tenantId,
        String userId,
        String sessionId,
        Instant at) {

    /** The access-token claim naming the login (refresh-token family) a token was issued to. */
    public static final String SESSION_CLAIM = "sid";

    public enum Type { SessionRevoked }
}
