package io.parley.chat.kit.security;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.chat.contracts.events.SessionEvent;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
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
 */
public final class RevokedSessions implements SmartLifecycle {

    /** Each read starts this far before the previous one's answer, so a revocation stored late is not skipped. */
    static final Duration OVERLAP = Duration.ofSeconds(30);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration WARN_EVERY = Duration.ofMinutes(1);
    /** auth-service's page (RevocationController.PAGE). */
    static final int PAGE = 1000;
    /** A page of {@link #PAGE} revocations is about 250 KB. */
    public static final int MAX_PAGE_BYTES = 1 << 20;

    private static final Logger log = LoggerFactory.getLogger(RevokedSessions.class);

    private final WebClient http;
    private final URI uri;
    private final Duration pollEvery;
    private final Cache<String, Instant> revoked;
    private final List<Consumer<SessionEvent>> listeners = new CopyOnWriteArrayList<>();
    private final Counter readsOk;
    private final Counter readsFailed;
    private volatile long since;
    private volatile long lastWarning;
    private volatile Disposable polling;

    /** {@code uri} null: only what {@link #add} is given (a service that reads no list). */
    public RevokedSessions(WebClient http, URI uri, Duration pollEvery, Duration remember, MeterRegistry metrics) {
        this.http = http;
        this.uri = uri;
        this.pollEvery = pollEvery;
        this.revoked = Caffeine.newBuilder().expireAfterWrite(remember).maximumSize(1_000_000).build();
        this.readsOk = Counter.builder("chat.revocations.reads").tag("outcome", "ok")
                .description("Reads of auth-service's list of ended logins").register(metrics);
        this.readsFailed = Counter.builder("chat.revocations.reads").tag("outcome", "error")
                .description("Reads of auth-service's list of ended logins").register(metrics);
    }

    /** Runs for every revocation the first time this replica learns of it, from either source. */
    public void onRevoked(Consumer<SessionEvent> listener) {
        listeners.add(listener);
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

    /** {@code decoder}, refusing (as an invalid token: 401) the tokens of logins that ended. */
    public ReactiveJwtDecoder refusing(ReactiveJwtDecoder decoder) {
        return token -> decoder.decode(token).flatMap(jwt -> isRevoked(jwt)
                ? Mono.error(new BadJwtException("The login this token belongs to has ended"))
                : Mono.just(jwt));
    }

    public boolean isRevoked(Jwt token) {
        String tenantId = token.getClaimAsString(ChatPrincipal.TENANT_CLAIM);
        String userId = token.getSubject();
        String sid = token.getClaimAsString(SessionEvent.SESSION_CLAIM);
        if (sid != null && revoked.getIfPresent(key(tenantId, userId, sid)) != null) {
            return true;
        }
        Instant everySessionUntil = revoked.getIfPresent(key(tenantId, userId, null));
        return everySessionUntil != null && (token.getIssuedAt() == null || !token.getIssuedAt().isAfter(everySessionUntil));
    }

    /** One read of the list, and of the pages after it when a page comes back full. */
    Mono<Void> read() {
        long from = since;
        URI page = UriComponentsBuilder.fromUri(uri).queryParam("since", from).build().toUri();
        return http.get().uri(page).retrieve().bodyToMono(Page.class)
                .timeout(READ_TIMEOUT)
                .flatMap(answer -> {
                    List<SessionEvent> items = answer.items() == null ? List.of() : answer.items();
                    items.forEach(this::add);
                    readsOk.increment();
                    if (items.size() >= PAGE && items.get(items.size() - 1).at().toEpochMilli() > from) {
                        since = items.get(items.size() - 1).at().toEpochMilli();
                        return read();
                    }
                    since = Math.max(0, answer.now() - OVERLAP.toMillis());
                    return Mono.<Void>empty();
                })
                .onErrorResume(e -> {
                    readsFailed.increment();
                    warn(e);
                    return Mono.empty();
                });
    }

    private void warn(Throwable e) {
        long now = System.nanoTime();
        if (now - lastWarning > WARN_EVERY.toNanos() || lastWarning == 0) {
            lastWarning = now;
            log.warn("Reading ended logins from {} failed ({}); what is known stays known, retrying every {}",
                    uri, e.toString(), pollEvery);
        }
    }

    private static String key(String tenantId, String userId, String sid) {
        return tenantId + "/" + userId + "/" + (sid == null ? "*" : "=" + sid);
    }

    @Override
    public void start() {
        if (uri != null && polling == null) {
            polling = Flux.interval(Duration.ZERO, pollEvery)
                    .onBackpressureDrop()
                    .concatMap(tick -> read(), 1)
                    .subscribe();
        }
    }

    @Override
    public void stop() {
        Disposable running = polling;
        polling = null;
        if (running != null) {
            running.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return polling != null;
    }

    record Page(List<SessionEvent> items, long now) {
    }
}
