package io.parley.chat.kit.security;

import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import com.github.benmanes.caffeine.cache.Ticker;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * auth-service's public keys, held in memory and read again on a timer, so that what a
 * token claims cannot decide how often its JWKS is fetched. Spring's JWK-set-URI decoder
 * fetches the set again for every token whose {@code kid} it does not know: a flood of
 * tokens with random kids was a flood of requests to auth-service from every replica.
 *
 * <p>Reads happen at startup, every {@code refresh-every} after the last good one, and for
 * a token with an unknown kid only if no read started within {@code unknown-kid-gap}. One
 * read at a time: tokens that arrive while one is on its way wait for it, whatever their
 * kid. A kid still unknown after that is refused as an invalid token (401) and counted in
 * {@code chat_jwks_unknown_kid_rejected_total}; a key rotated in shortly before its first
 * token is therefore accepted at most one gap late (auth-service publishes keys well
 * before they sign, so normally the timed read knows them first). So a replica makes at
 * most one read per refresh interval plus one per gap, whatever it is sent.
 *
 * <p>A failed read (auth-service down, an error, garbage, an empty set) keeps the keys of
 * the last good one and is retried every gap, or every {@link #NO_KEYS_RETRY} while no
 * keys are held; it does not make those keys any fresher. Keys not confirmed by a good
 * read for {@code max-stale} are dropped: tokens then fail as "keys unavailable" (not as
 * invalid tokens) until a read succeeds.
 *
 * <p>A key that auth-service stops publishing is refused here once the next read that
 * started after its removal completes, so within {@code refresh-every} plus the tick, plus
 * {@link #FETCH_TIMEOUT}; tokens already verified with it live on in
 * {@link CachingJwtDecoder} for up to its {@link CachingJwtDecoder#TTL}. With the defaults:
 * 5 min + 1 s + 5 s + 60 s. While the JWKS cannot be read the bound is the outage, at most
 * {@code max-stale}, plus the same.
 */
public final class JwksKeys implements SmartLifecycle {

    /** How often the timer checks whether a read is due. */
    static final Duration TICK = Duration.ofSeconds(1);
    /** How soon a replica without usable keys tries again: it cannot verify anything meanwhile. */
    static final Duration NO_KEYS_RETRY = Duration.ofSeconds(1);
    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(JwksKeys.class);

    /** Why a read was made, as the {@code reason} tag of {@code chat_jwks_fetches_total}. */
    enum Reason {
        STARTUP, SCHEDULED, UNKNOWN_KID;

        String tag() {
            return name().toLowerCase();
        }
    }

    /** The keys of the last good read and the time (ticker nanos) that read started. */
    private record Held(JWKSet keys, long readAt) {

        static final Held NONE = new Held(null, 0);

        boolean usable(long now, long maxStale) {
            return keys != null && now - readAt < maxStale;
        }

        /** The key a token names, or every key for a token that names none. */
        List<JWK> matching(String kid) {
            if (kid == null) {
                return keys.getKeys();
            }
            JWK key = keys.getKeyByKeyId(kid);
            return key == null ? List.of() : List.of(key);
        }
    }

    private final WebClient http;
    private final URI uri;
    private final long refreshEvery;
    private final long unknownKidGap;
    private final long maxStale;
    private final Scheduler timer;
    private final Ticker ticker;
    private final Map<Reason, Counter> readsOk = new EnumMap<>(Reason.class);
    private final Map<Reason, Counter> readsFailed = new EnumMap<>(Reason.class);
    private final Counter rejected;
    private final Object lock = new Object();

    private volatile Held held = Held.NONE;
    private volatile Disposable ticking;
    // guarded by lock
    private Sinks.One<Held> reading;
    private boolean attempted;
    private long lastAttempt;

    /**
     * @param timer  runs the timed check every {@link #TICK}
     * @param ticker the clock for every interval here (monotonic nanos)
     */
    public JwksKeys(WebClient http, URI uri, ChatSecurityProperties.Jwks settings, MeterRegistry metrics,
                    Scheduler timer, Ticker ticker) {
        this.http = http;
        this.uri = uri;
        this.refreshEvery = settings.refreshEvery().toNanos();
        this.unknownKidGap = settings.unknownKidGap().toNanos();
        this.maxStale = settings.maxStale().toNanos();
        this.timer = timer;
        this.ticker = ticker;
        for (Reason reason : Reason.values()) {
            readsOk.put(reason, readCounter(metrics, reason, "ok"));
            readsFailed.put(reason, readCounter(metrics, reason, "error"));
        }
        this.rejected = Counter.builder("chat.jwks.unknown.kid.rejected")
                .description("Tokens refused because their kid was not in the JWKS, even after any read they were allowed")
                .register(metrics);
    }

    private static Counter readCounter(MeterRegistry metrics, Reason reason, String outcome) {
        return Counter.builder("chat.jwks.fetches")
                .description("Reads of auth-service's JWKS, by why they were made and how they ended")
                .tag("reason", reason.tag())
                .tag("outcome", outcome)
                .register(metrics);
    }

    /**
     * The keys to check this token with, for {@code NimbusReactiveJwtDecoder.withJwkSource}:
     * none when its kid is unknown (the decoder then refuses it as invalid), an error when
     * no usable keys are held (the decoder then fails as it does when the JWKS is down).
     */
    public Flux<JWK> keysFor(SignedJWT jwt) {
        String kid = jwt.getHeader().getKeyID();
        Held current = held;
        if (current.usable(ticker.read(), maxStale)) {
            List<JWK> keys = current.matching(kid);
            if (!keys.isEmpty()) {
                return Flux.fromIterable(keys);
            }
        }
        return readUnlessRecent(Reason.UNKNOWN_KID, unknownKidGap).flatMapMany(after -> {
            if (!after.usable(ticker.read(), maxStale)) {
                return Flux.error(new IllegalStateException("No usable keys from " + uri));
            }
            List<JWK> keys = after.matching(kid);
            if (keys.isEmpty()) {
                rejected.increment();
            }
            return Flux.fromIterable(keys);
        });
    }

    /**
     * Lets the next token with an unknown kid cause a read at once, whenever the last read
     * was: auth-service replaced a revoked signing key with one that signs at once, before
     * any timed read could know it. One read, not one per token: the gap applies after it.
     */
    public void expectNewKey() {
        synchronized (lock) {
            attempted = false;
        }
    }

    private void tick() {
        long now = ticker.read();
        Held current = held;
        if (!current.usable(now, maxStale)) {
            readUnlessRecent(Reason.SCHEDULED, NO_KEYS_RETRY.toNanos());
        } else if (now - current.readAt() >= refreshEvery) {
            readUnlessRecent(Reason.SCHEDULED, unknownKidGap);
        }
    }

    /**
     * The read on its way if there is one; else a new read unless one started less than
     * {@code gap} ago, in which case the keys held. The read runs to its end even if every
     * caller waiting for it goes away.
     */
    private Mono<Held> readUnlessRecent(Reason reason, long gap) {
        Sinks.One<Held> started;
        long startedAt;
        synchronized (lock) {
            if (reading != null) {
                return reading.asMono();
            }
            startedAt = ticker.read();
            if (attempted && startedAt - lastAttempt < gap) {
                return Mono.just(held);
            }
            attempted = true;
            lastAttempt = startedAt;
            started = Sinks.one();
            reading = started;
        }
        download().subscribe(keys -> settle(started, reason, startedAt, keys, null),
                e -> settle(started, reason, startedAt, null, e));
        return started.asMono();
    }

    private Mono<JWKSet> download() {
        return http.get().uri(uri).accept(MediaType.APPLICATION_JSON)
                .retrieve()
                .bodyToMono(String.class)
                .timeout(FETCH_TIMEOUT)
                .map(JwksKeys::parse);
    }

    private static JWKSet parse(String body) {
        try {
            JWKSet set = JWKSet.parse(body);
            if (set.isEmpty()) {
                throw new IllegalStateException("the JWKS lists no keys");
            }
            return set;
        } catch (ParseException e) {
            throw new IllegalStateException("the JWKS does not parse: " + e.getMessage(), e);
        }
    }

    private void settle(Sinks.One<Held> started, Reason reason, long startedAt, JWKSet keys, Throwable error) {
        Held previous = held;
        if (error == null) {
            held = new Held(keys, startedAt);
            if (previous.keys() == null || !kids(previous.keys()).equals(kids(keys))) {
                log.info("JWKS from {} ({}): {} key(s), kids {}", uri, reason.tag(), keys.size(), kids(keys));
            }
        } else if (previous.keys() == null) {
            log.warn("Could not read the JWKS from {} ({}): {}; no keys yet, tokens cannot be checked until a read succeeds",
                    uri, reason.tag(), error.toString());
        } else {
            long now = ticker.read();
            log.warn("Could not read the JWKS from {} ({}): {}; {} the {} key(s) read {} s ago", uri, reason.tag(),
                    error.toString(), previous.usable(now, maxStale) ? "still trusting" : "past max-stale, no longer trusting",
                    previous.keys().size(), Duration.ofNanos(now - previous.readAt()).toSeconds());
        }
        synchronized (lock) {
            reading = null;
        }
        (error == null ? readsOk : readsFailed).get(reason).increment();
        started.tryEmitValue(held);
    }

    private static Set<String> kids(JWKSet keys) {
        Set<String> kids = new TreeSet<>();
        keys.getKeys().forEach(key -> kids.add(String.valueOf(key.getKeyID())));
        return kids;
    }

    /** Reads the keys once now, then checks every {@link #TICK} whether a read is due. */
    @Override
    public void start() {
        readUnlessRecent(Reason.STARTUP, 0);
        ticking = timer.schedulePeriodically(this::tick, TICK.toNanos(), TICK.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void stop() {
        Disposable current = ticking;
        if (current != null) {
            current.dispose();
        }
        ticking = null;
    }

    @Override
    public boolean isRunning() {
        return ticking != null;
    }
}
