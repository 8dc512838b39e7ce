package io.parley.chat.auth.token.persistence;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One refresh token, known only by its SHA-256 hash: a database dump yields no usable
 * token. Every token a login leads to shares the login's {@code familyId}. A used token
 * is kept (with {@code usedAt}) until it expires, because seeing it again is the sign
 * that it was stolen.
 */
@Document(RefreshTokenDocument.COLLECTION)
public record RefreshTokenDocument(@Id String id, String familyId, String userId, String tenantId,
                                   Instant createdAt, Instant expiresAt, Instant usedAt, boolean revoked) {

    static final String COLLECTION = "refresh_tokens";
}
