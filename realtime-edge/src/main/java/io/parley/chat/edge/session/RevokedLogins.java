package io.parley.chat.edge.session;

import java.time.Duration;
import java.time.Instant;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.parley.chat.contracts.events.SessionEvent;
import io.parley.chat.kit.security.ChatPrincipal;

/**
 * Logins that ended while this edge ran, so that an access token of a signed-out login
 * (still valid until it expires) cannot open a new socket or be swapped in with
 * {@code auth.refresh} right after its sockets were closed. Remembered for longer than an
 * access token lives; a revocation of every session (a disabled account) refuses the
 * tokens issued up to that moment.
 */
@Component
class RevokedLogins {

    /** Longer than the access-token TTL (15 minutes by default): past it, the token is refused as expired anyway. */
    private static final Duration REMEMBER = Duration.ofMinutes(30);

    private final Cache<String, Instant> revoked = Caffeine.newBuilder()
            .expireAfterWrite(REMEMBER).maximumSize(100_000).build();

    void revoke(SessionEvent event) {
        Instant at = event.at() == null ? Instant.now() : event.at();
        revoked.put(key(event.tenantId(), event.userId(), event.sessionId()), at);
    }

    boolean isRevoked(Jwt token) {
        String tenantId = token.getClaimAsString(ChatPrincipal.TENANT_CLAIM);
        String userId = token.getSubject();
        String sid = token.getClaimAsString(SessionEvent.SESSION_CLAIM);
        if (sid != null && revoked.getIfPresent(key(tenantId, userId, sid)) != null) {
            return true;
        }
        Instant everySessionUntil = revoked.getIfPresent(key(tenantId, userId, null));
        return everySessionUntil != null && (token.getIssuedAt() == null || !token.getIssuedAt().isAfter(everySessionUntil));
    }

    private static String key(String tenantId, String userId, String sid) {
        return tenantId + "/" + userId + "/" + (sid == null ? "*" : "=" + sid);
    }
}
