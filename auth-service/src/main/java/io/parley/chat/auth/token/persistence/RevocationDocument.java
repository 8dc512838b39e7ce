package io.parley.chat.auth.token.persistence;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A login that ended ({@code sessionId}), every login of a user up to {@code at}
 * ({@code sessionId} null: the account was disabled), or a signing key revoked at once
 * ({@code kid}; no tenant or user: every token it signed). Kept until {@code expiresAt}, when
 * every access token it concerns has expired anyway; until then every service reads it
 * (GET /internal/v1/revocations) and refuses those tokens.
 */
@Document(RevocationDocument.COLLECTION)
public record RevocationDocument(@Id String id, String tenantId, String userId, String sessionId, Instant at,
                                 Instant expiresAt, String kid) {

    static final String COLLECTION = "session_revocations";

    /** The revocation of every token signed with {@code kid}; one per kid, whoever revokes it how often. */
    public static RevocationDocument ofKey(String kid, Instant at, Instant expiresAt) {
        return new RevocationDocument(keyRevocationId(kid), null, null, null, at, expiresAt, kid);
    }

    static String keyRevocationId(String kid) {
        return "key:" + kid;
    }
}
