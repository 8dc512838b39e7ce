package io.parley.chat.auth.token.persistence;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A login that ended ({@code sessionId}), or every login of a user up to {@code at}
 * ({@code sessionId} null: the account was disabled). Kept until {@code expiresAt}, when
 * every access token it concerns has expired anyway; until then every service reads it
 * (GET /internal/v1/revocations) and refuses those tokens.
 */
@Document(RevocationDocument.COLLECTION)
public record RevocationDocument(@Id String id, String tenantId, String userId, String sessionId, Instant at,
                                 Instant expiresAt) {

    static final String COLLECTION = "session_revocations";
}
