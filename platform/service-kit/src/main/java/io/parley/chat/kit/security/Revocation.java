package io.parley.chat.kit.security;

import java.time.Instant;

/**
 * An entry of auth-service's stored list of revocations ({@code GET /internal/v1/revocations},
 * read by {@link RevokedSessions}): one ended login ({@code sessionId}), every login of a user
 * up to {@code at} ({@code sessionId} null: the account was disabled), or a signing key
 * ({@code kid}; {@code tenantId} and {@code userId} null): every token it signed is refused.
 *
 * <p>The list is this record's JSON. A replica older than the {@code kid} field reads the
 * entries as {@code SessionEvent}s, ignores the field and skips an entry without a user, so a
 * revoked key never breaks its reading of the ended logins.
 */
public record Revocation(String eventId, String tenantId, String userId, String sessionId, String kid, Instant at) {

    /** A signing key whose tokens are all refused from {@code at}. */
    public static Revocation ofKey(String eventId, String kid, Instant at) {
        return new Revocation(eventId, null, null, null, kid, at);
    }
}
