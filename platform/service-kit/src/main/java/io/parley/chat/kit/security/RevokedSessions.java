package io.parley.chat.kit.security;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.reactive.function.client.WebClient;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.micrometer.core.instrument.MeterRegistry;
import io.parley.chat.contracts.events.SessionEvent;
import io.parley.chat.kit.events.ReadsStoredList;
import io.parley.chat.kit.events.StoredListReader;
import reactor.core.publisher.Mono;

/**
 * Logins that ended, so that their access tokens (valid until they expire) are refused at
 * once: by {@link CachingJwtDecoder} on every request, including tokens it verified
 * before, and by the edge, which closes their sockets ({@link #onRevoked}).
 *
 * <p>Two sources, either enough: {@code SessionRevoked} events from Kafka (fast, handed in
 * with {@link #add}), and auth-service's stored list, read every
 * {@code chat.security.revocations.poll-every} (the guarantee: it holds while Kafka is
 * down, and a replica that starts later reads every revocation that still matters). So a
 * revocation takes effect on every replica within the poll interval plus one read (a few
 * seconds by default) once it is stored, whatever Kafka does. While auth-service cannot be
 * read, what was known stays known and reads are retried every interval.
 *
 * <p>Remembered for {@code remember}, which must exceed the access-token lifetime: past
 * that the token is refused as expired anyway. A revocation of every login of a user
 * ({@code sessionId} null: the account was disabled) refuses the tokens issued up to it.
 *
 * <p>The list also names signing keys revoked at once ({@link Revocation#kid()}, auth-service's
 * "revoke this kid now"): every token whose header names such a kid is refused, including
 * tokens verified before, so within the same bound wherever the JWKS may still list the key
 * ({@link #onKeyRevoked} tells what holds keys to forget or refresh them).
 */
public final class RevokedSessions implements ReadsStoredList {

    /** auth-service's page (RevocationController.PAGE). */
    static final int PAGE = 1000;
    /** A page of {@link #PAGE} revocations is about 250 KB. */
    public static final int MAX_PAGE_BYTES = 1 << 20;

    private final Cache<String, Instant> revoked;
    private final List<Consumer<SessionEvent>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> keyListeners = new CopyOnWriteArrayList<>();
    private final StoredListReader<Revocation> list;

    /** {@code uri} null: only what {@link #add} is given (a service that reads no list). */
    public RevokedSessions(WebClient http, URI uri, Duration pollEvery, Duration remember, MeterRegistry metrics) {
        this.revoked = Caffeine.newBuilder().expireAfterWrite(remember).maximumSize(1_000_000).build();
        this.list = uri == null ? null : new StoredListReader<>("ended logins", http, uri, pollEvery, PAGE,
                new ParameterizedTypeReference<>() { }, entry -> entry.at() == null ? 0 : entry.at().toEpochMilli(), this::add,
                "chat.revocations.reads", metrics);
    }

    /** Runs for every revocation the first time this replica learns of it, from either source. */
    public void onRevoked(Consumer<SessionEvent> listener) {
        listeners.add(listener);
    }

    /** Runs with the kid of every signing key revoked, the first time this replica learns of it. */
    public void onKeyRevoked(Consumer<String> listener) {
        keyListeners.add(listener);
    }

    /** Records an entry of the stored list (or one the caller stored itself); true the first time. */
    public boolean add(Revocation entry) {
        if (entry.kid() == null) {
            return add(new SessionEvent(entry.eventId(), SessionEvent.Type.SessionRevoked, entry.tenantId(),
                    entry.userId(), entry.sessionId(), entry.at()));
        }
        if (revoked.asMap().putIfAbsent(keyOf(entry.kid()), entry.at() == null ? Instant.now() : entry.at()) != null) {
            return false;
        }
        keyListeners.forEach(listener -> listener.accept(entry.kid()));
        return true;
    }

    /** Records a revocation; true, and the listeners told, the first time. */
    public boolean add(SessionEvent event) {
        if (event.tenantId() == null || event.userId() == null) {
            return false;
        }
        Instant at = event.at() == null ? Instant.now() : event.at();
        String key = key(event.tenantId(), event.userId(), event.sessionId());
        if (revoked.asMap().putIfAbsent(key, at) != null) {
            return false;
        }
        listeners.forEach(listener -> listener.accept(event));
        return true;
    }

    /** {@code decoder}, refusing (as an invalid token: 401) the tokens of logins that ended and of revoked keys. */
    public ReactiveJwtDecoder refusing(ReactiveJwtDecoder decoder) {
        return token -> decoder.decode(token).flatMap(jwt -> isRevoked(jwt)
                ? Mono.error(new BadJwtException("The login this token belongs to has ended, or its signing key was revoked"))
                : Mono.just(jwt));
    }

    public boolean isRevoked(Jwt token) {
        if (token.getHeaders().get("kid") instanceof String kid && isKeyRevoked(kid)) {
            return true;
        }
        String tenantId = token.getClaimAsString(ChatPrincipal.TENANT_CLAIM);
        String userId = token.getSubject();
        String sid = token.getClaimAsString(SessionEvent.SESSION_CLAIM);
        if (sid != null && revoked.getIfPresent(key(tenantId, userId, sid)) != null) {
            return true;
        }
        Instant everySessionUntil = revoked.getIfPresent(key(tenantId, userId, null));
        return everySessionUntil != null && (token.getIssuedAt() == null || !token.getIssuedAt().isAfter(everySessionUntil));
    }

    /** Whether the signing key {@code kid} was revoked: no token it signed is accepted. */
    public boolean isKeyRevoked(String kid) {
        return revoked.getIfPresent(keyOf(kid)) != null;
    }

    /** One read of auth-service's list (the pages after it included). */
    Mono<Void> read() {
        return list == null ? Mono.empty() : list.read();
    }

    private static String keyOf(String kid) {
        return "kid/" + kid;
    }

    private static String key(String tenantId, String userId, String sid) {
        return tenantId + "/" + userId + "/" + (sid == null ? "*" : "=" + sid);
    }

    @Override
    public StoredListReader<Revocation> list() {
        return list;
    }
}
