package io.parley.chat.auth.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import io.parley.chat.auth.config.AuthProperties;
import io.parley.chat.auth.token.messaging.SessionEventPublisher;
import io.parley.chat.auth.token.persistence.RefreshTokenDocument;
import io.parley.chat.auth.token.persistence.RefreshTokenRepository;
import reactor.core.publisher.Mono;

/**
 * Opaque refresh tokens with rotation and reuse detection (OAuth 2.0 Security BCP,
 * section 4.14): every use replaces the token, and presenting a replaced token again
 * means two parties hold it, so the whole family (every token descended from that login)
 * is revoked and both must sign in again.
 */
@Service
public class RefreshTokenService {

    private static final Logger log = LoggerFactory.getLogger(RefreshTokenService.class);

    private static final int TOKEN_BYTES = 32;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final RefreshTokenRepository tokens;
    private final AuthProperties auth;
    private final SecureRandom random = new SecureRandom();
    private final SessionEventPublisher sessions;

    RefreshTokenService(RefreshTokenRepository tokens, AuthProperties auth, SessionEventPublisher sessions) {
        this.tokens = tokens;
        this.auth = auth;
        this.sessions = sessions;
    }

    /** A new login's id: its refresh-token family, and the {@code sid} of its access tokens. */
    public String newFamilyId() {
        return UUID.randomUUID().toString();
    }

    /** The first token of a new login. */
    public Mono<RefreshToken> startFamily(String userId, String tenantId) {
        return startFamily(newFamilyId(), userId, tenantId);
    }

    /** The first token of a new login whose id was chosen before (its access token names it). */
    public Mono<RefreshToken> startFamily(String familyId, String userId, String tenantId) {
        return store(new RefreshGrant(familyId, userId, tenantId));
    }

    /**
     * Uses up {@code token} and emits what it vouched for. Fails with
     * {@link InvalidRefreshToken} when the token is not live; when it had been used before,
     * its family is revoked first.
     */
    public Mono<RefreshGrant> redeem(String token) {
        String hash = hash(token);
        return tokens.markUsed(hash, Instant.now())
                .map(used -> new RefreshGrant(used.familyId(), used.userId(), used.tenantId()))
                .switchIfEmpty(Mono.defer(() -> rejectAndRevokeIfReused(hash)));
    }

    /**
     * The successor of a redeemed token, in the same family. A reuse of an older token of
     * the family may revoke it while this one is being written, so the family is checked
     * again after the insert: a successor is never handed out from a revoked family.
     */
    public Mono<RefreshToken> rotate(RefreshGrant grant) {
        return store(grant).flatMap(next -> tokens.isFamilyRevoked(grant.familyId())
                .flatMap(revoked -> revoked
                        ? tokens.revokeFamily(grant.familyId()).then(Mono.<RefreshToken>error(new InvalidRefreshToken()))
                        : Mono.just(next)));
    }

    /** Ends the login {@code token} belongs to, whatever state the token is in. Unknown tokens are ignored. */
    public Mono<Void> revokeFamilyOf(String token) {
        return tokens.findById(hash(token)).flatMap(found -> revoke(found.familyId(), found.userId(), found.tenantId()));
    }

    public Mono<Void> revokeFamily(RefreshGrant grant) {
        return revoke(grant.familyId(), grant.userId(), grant.tenantId());
    }

    /** Every revocation of a login ends its live sockets too (the edges close them on {@code SessionRevoked}). */
    private Mono<Void> revoke(String familyId, String userId, String tenantId) {
        return tokens.revokeFamily(familyId).then(sessions.revoke(tenantId, userId, familyId));
    }

    private Mono<RefreshGrant> rejectAndRevokeIfReused(String hash) {
        return tokens.findById(hash)
                .filter(found -> found.usedAt() != null)
                .flatMap(reused -> {
                    log.warn("Refresh token reused: revoking family {} of user {}", reused.familyId(), reused.userId());
                    return revoke(reused.familyId(), reused.userId(), reused.tenantId());
                })
                .then(Mono.error(new InvalidRefreshToken()));
    }

    private Mono<RefreshToken> store(RefreshGrant grant) {
        String value = newTokenValue();
        Instant now = Instant.now();
        var document = new RefreshTokenDocument(hash(value), grant.familyId(), grant.userId(), grant.tenantId(), now,
                now.plus(auth.refreshTokenTtl()), null, false);
        return tokens.insert(document).thenReturn(new RefreshToken(value, auth.refreshTokenTtl()));
    }

    private String newTokenValue() {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }

    /** No salt is needed: the token is 256 random bits, so there is nothing to guess or precompute. */
    static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return BASE64URL.encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
