package io.parley.chat.auth.token;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;

import io.parley.chat.auth.config.AuthProperties;
import io.parley.chat.auth.token.persistence.RevocationDocument;
import io.parley.chat.auth.token.persistence.RevocationRepository;
import io.parley.chat.auth.token.persistence.SigningKeyDocument;
import io.parley.chat.auth.token.persistence.SigningKeyRepository;
import io.parley.chat.kit.security.ChatSecurityProperties;
import io.parley.chat.kit.security.Revocation;
import io.parley.chat.kit.security.RevokedSessions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The EC P-256 keys this service signs with and publishes. They live in Mongo so that
 * every replica signs with the same key and serves the same JWKS; each replica holds
 * them in memory and reads them again every {@link #RELOAD_AFTER}, which is how a key
 * rotated elsewhere reaches it.
 *
 * <p>Rotation adds a key of the next generation that starts signing after
 * {@code activationDelay}; until then it is only published. With the delay at least the
 * reload period plus the JWKS cache age, every replica and every verifier knows the new
 * key before the first token it signs. The previous key stays published until its
 * successor has been signing for the access-token TTL plus the clock skew: after that, no
 * live token can carry its {@code kid}.
 *
 * <p>Private keys are stored encrypted under a key-encryption key ({@link KeyEncryptionKeys})
 * and decrypted only into this replica's memory; nothing here logs a key.
 *
 * <p>A key can also be revoked at once ({@link #revoke}): it leaves the store and the JWKS,
 * and its kid goes into the stored list of revocations every service reads, so its tokens
 * are refused everywhere within the poll interval instead of living out their TTL.
 */
@Service
public class SigningKeyService {

    private static final Logger log = LoggerFactory.getLogger(SigningKeyService.class);

    static final String ACTIVE_ID = "active";
    static final Duration RELOAD_AFTER = Duration.ofMinutes(5);
    /** A token with an unknown kid reloads the keys at most this often, so random kids cannot flood Mongo. */
    private static final Duration UNKNOWN_KID_RELOAD_GAP = Duration.ofSeconds(5);
    /** Tries at storing a revoked key's replacement while rotations on other replicas take its generation. */
    private static final int REPLACE_ATTEMPTS = 3;

    private final SigningKeyRepository keys;
    private final KeyEncryptionKeys keks;
    private final RevocationRepository revocations;
    private final RevokedSessions revoked;
    private final AuthProperties.Keys settings;
    private final Duration retention;
    private final AtomicReference<Mono<KeyRing>> ring = new AtomicReference<>();
    private final AtomicLong lastForcedReload = new AtomicLong();

    SigningKeyService(SigningKeyRepository keys, KeyEncryptionKeys keks, RevocationRepository revocations,
                      RevokedSessions revoked, AuthProperties auth, ChatSecurityProperties security) {
        this.keys = keys;
        this.keks = keks;
        this.revocations = revocations;
        this.revoked = revoked;
        this.settings = auth.keys();
        this.retention = auth.accessTokenTtl().plus(security.clockSkew());
        reload();
        // a key another replica revoked: read the store again at once (its replacement signs already)
        revoked.onKeyRevoked(kid -> reload());
    }

    /** The key that signs new tokens, created on first use if no replica has made one yet. */
    public Mono<SigningKey> activeKey() {
        return Mono.defer(ring::get).map(r -> r.active(Instant.now()));
    }

    /** Public halves of every key that may have signed a live token, or is about to sign; never a revoked one. */
    public Mono<JWKSet> publicKeys() {
        return Mono.defer(ring::get).map(r -> r.publicKeys(Instant.now(), retention, revoked::isKeyRevoked));
    }

    /** What this service's own token decoder verifies against; it picks by {@code kid}. */
    public Flux<JWK> verificationKeys() {
        return publicKeys().flatMapIterable(JWKSet::getKeys);
    }

    /**
     * As {@link #verificationKeys()}, reading Mongo again first when {@code kid} is unknown
     * here: a key another replica rotated in with no activation delay is then trusted at once.
     */
    public Flux<JWK> verificationKeys(String kid) {
        return publicKeys().flatMapMany(set -> {
            if (kid == null || set.getKeyByKeyId(kid) != null || !mayForceReload()) {
                return Flux.fromIterable(set.getKeys());
            }
            reload();
            return verificationKeys();
        });
    }

    /**
     * Adds the next generation's key and emits its kid. When another replica rotated the
     * same generation at the same moment, emits that replica's kid instead: one rotation,
     * not two.
     */
    public Mono<String> rotate() {
        return keys.findAll().collectList()
                .flatMap(stored -> {
                    long next = nextGeneration(stored);
                    Instant activeFrom = Instant.now().plus(settings.activationDelay());
                    SigningKeyDocument candidate = generate("gen-" + next, next, activeFrom);
                    return keys.insertGeneration(candidate)
                            .doOnNext(won -> {
                                if (won) {
                                    log.info("Rotated signing key: generation {} kid {} signs from {}", next,
                                            candidate.kid(), activeFrom);
                                }
                            })
                            .then(prune(stored));
                })
                .then(Mono.fromRunnable(this::reload))
                .then(Mono.defer(ring::get))
                .map(KeyRing::newest);
    }

    /**
     * Revokes {@code kid} at once, for a key that may have leaked: a rotation would trust it for
     * the activation delay plus the token TTL. In this order, so that no step leaves logins
     * without a key or a revoked key trusted: when {@code kid} is the key that signs, a key of
     * the next generation is stored that signs from now on (verifiers read it at its first
     * token, {@code JwksKeys.expectNewKey}); the revocation is stored in the list every service
     * reads (kept for the token TTL plus the clock skew), which refuses its tokens there within
     * the poll interval and makes every auth-service replica read its keys again; then the key
     * is deleted, so it is in no JWKS. This replica knows at once. Revoking a kid already
     * revoked answers the same again; an unknown kid is {@link KeyNotFound}.
     */
    public Mono<RevokedKey> revoke(String kid) {
        return keys.findAll().collectList()
                .flatMap(stored -> revoke(kid, stored))
                .then(Mono.defer(this::activeKey))
                .map(signing -> new RevokedKey(kid, signing.kid()));
    }

    private Mono<Void> revoke(String kid, List<SigningKeyDocument> stored) {
        SigningKeyDocument doc = stored.stream().filter(candidate -> kid.equals(candidate.kid())).findFirst().orElse(null);
        return doc == null ? alreadyRevoked(kid) : replaceIfSigning(kid, stored, REPLACE_ATTEMPTS).then(revoked(kid, doc));
    }

    /**
     * When {@code kid} is the key that signs now, stores the next generation's key, signing at
     * once. A rotation on another replica may take that generation first with a key that
     * signs only later: then the store is read again and the next generation tried.
     */
    private Mono<Void> replaceIfSigning(String kid, List<SigningKeyDocument> stored, int attempts) {
        Instant now = Instant.now();
        if (!kid.equals(KeyRing.of(stored, this::privateJwk).active(now).kid())) {
            return Mono.empty();
        }
        long next = nextGeneration(stored);
        SigningKeyDocument replacement = generate("gen-" + next, next, now);
        return keys.insertGeneration(replacement).flatMap(won -> {
            if (won) {
                log.warn("Signing key {} is being revoked while it signs: generation {} kid {} signs from now", kid, next,
                        replacement.kid());
                return Mono.empty();
            }
            return attempts <= 1 ? Mono.error(new IllegalStateException("No replacement for signing key " + kid
                    + " could be stored: other replicas kept taking its generation"))
                    : keys.findAll().collectList().flatMap(again -> replaceIfSigning(kid, again, attempts - 1));
        });
    }

    private Mono<Void> revoked(String kid, SigningKeyDocument doc) {
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        RevocationDocument revocation = RevocationDocument.ofKey(kid, at, at.plus(retention));
        return revocations.insertKeyRevocation(revocation)
                .then(keys.deleteByIds(List.of(doc.id())))
                .then(Mono.fromRunnable(() -> {
                    log.warn("Revoked signing key {} (generation {}): its tokens are refused and it is withdrawn from "
                            + "the JWKS", kid, doc.generationOrZero());
                    revoked.add(Revocation.ofKey(revocation.id(), kid, at));
                    reload();
                }));
    }

    private Mono<Void> alreadyRevoked(String kid) {
        return revocations.isKeyRevoked(kid, Instant.now())
                .flatMap(known -> known ? Mono.<Void>empty() : Mono.<Void>error(new KeyNotFound()));
    }

    /** Rotates when the newest key is older than {@code rotateEvery}; every replica checks, one wins per generation. */
    @Scheduled(initialDelayString = "${chat.auth.keys.check-every:1h}", fixedDelayString = "${chat.auth.keys.check-every:1h}")
    void rotateWhenDue() {
        keys.findAll().collectList()
                .filter(stored -> !stored.isEmpty())
                .map(stored -> stored.stream().max(Comparator.comparingLong(SigningKeyDocument::generationOrZero)).get())
                .filter(newest -> newest.createdAt().plus(settings.rotateEvery()).isBefore(Instant.now()))
                .flatMap(due -> rotate())
                .doOnError(e -> log.warn("Scheduled key rotation failed; retrying at the next check", e))
                .onErrorComplete()
                // A scheduler thread, not a request: waiting here keeps checks from overlapping.
                .block(Duration.ofMinutes(1));
    }

    /**
     * Encrypts the keys still stored in plain text (written before keys were encrypted) and
     * re-wraps those of older key-encryption keys with the current one, so an upgrade loses
     * no key and a retired KEK can be removed once every replica has started with its
     * successor. Safe on every replica at once: each document is replaced only if it still
     * holds what was read. Run at startup, before the service reports ready.
     */
    public Mono<Void> wrapWithCurrentKek() {
        return keys.findAll()
                .filter(doc -> !keks.isCurrent(doc.sealed()))
                .concatMap(this::wrapWithCurrentKek)
                .collectList()
                .doOnNext(before -> {
                    if (!before.isEmpty()) {
                        log.info("Wrapped {} stored signing key(s) with key-encryption key '{}' (before: {})",
                                before.size(), keks.currentId(), String.join(", ", before));
                    }
                })
                .then(Mono.fromRunnable(this::reload));
    }

    /** Emits how the key was stored before, when this replica was the one that replaced it. */
    private Mono<String> wrapWithCurrentKek(SigningKeyDocument doc) {
        String before = doc.sealed() == null ? "plain text" : "key-encryption key '" + doc.sealed().kekId() + "'";
        return keys.replaceWrapping(doc.id(), doc.sealed(), keks.seal(doc.id(), doc.kid(), privateJwk(doc)))
                .filter(Boolean::booleanValue)
                .map(replaced -> before);
    }

    private boolean mayForceReload() {
        long now = System.nanoTime();
        long last = lastForcedReload.get();
        return now - last > UNKNOWN_KID_RELOAD_GAP.toNanos() && lastForcedReload.compareAndSet(last, now);
    }

    private void reload() {
        // A failed load is not cached: the next request tries Mongo again.
        ring.set(Mono.defer(this::load).cache(loaded -> RELOAD_AFTER, error -> Duration.ZERO, () -> Duration.ZERO));
    }

    /** Deletes keys that no live token can carry any more. */
    private Mono<Void> prune(List<SigningKeyDocument> stored) {
        List<String> expired = KeyRing.of(stored, this::privateJwk).expired(Instant.now(), retention);
        return keys.deleteByIds(expired);
    }

    private Mono<KeyRing> load() {
        return keys.findAll().collectList()
                .flatMap(stored -> hasActive(stored) ? Mono.just(stored) : createActive())
                .map(stored -> KeyRing.of(stored, this::privateJwk));
    }

    /** The private JWK of a stored key: decrypted, or as stored by a version that kept keys in the clear. */
    private String privateJwk(SigningKeyDocument doc) {
        if (doc.sealed() != null) {
            return keks.open(doc.id(), doc.kid(), doc.sealed());
        }
        if (doc.jwk() == null) {
            throw new IllegalStateException("Stored signing key " + doc.kid() + " holds no key");
        }
        return doc.jwk();
    }

    private Mono<List<SigningKeyDocument>> createActive() {
        return keys.insertIfMissing(generate(ACTIVE_ID, 0, Instant.now()))
                .doOnNext(winner -> log.info("Signing with key {}", winner.kid()))
                .thenMany(keys.findAll())
                .collectList();
    }

    private static long nextGeneration(List<SigningKeyDocument> stored) {
        return stored.stream().mapToLong(SigningKeyDocument::generationOrZero).max().orElse(-1) + 1;
    }

    /** Any key at all: once rotation has pruned the first key ({@code active}), its successors sign. */
    private static boolean hasActive(List<SigningKeyDocument> stored) {
        return !stored.isEmpty();
    }

    /** A new key, wrapped with the current key-encryption key before it leaves this method. */
    private SigningKeyDocument generate(String id, long generation, Instant activeFrom) {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256)
                    .keyID(UUID.randomUUID().toString())
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .generate();
            return new SigningKeyDocument(id, key.getKeyID(), JWSAlgorithm.ES256.getName(), null, Instant.now(),
                    generation, activeFrom, keks.seal(id, key.getKeyID(), key.toJSONString()));
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot generate an EC P-256 key", e);
        }
    }

    /** The stored keys in generation order, each with its signer built once. */
    private record KeyRing(List<Entry> entries) {

        record Entry(String id, long generation, Instant activeFrom, ECKey jwk, SigningKey signing) {
        }

        static KeyRing of(List<SigningKeyDocument> stored, Function<SigningKeyDocument, String> privateJwk) {
            List<Entry> entries = new ArrayList<>();
            for (SigningKeyDocument doc : stored) {
                ECKey key = parse(doc.kid(), privateJwk.apply(doc));
                entries.add(new Entry(doc.id(), doc.generationOrZero(), doc.activeFromOrCreated(), key,
                        new SigningKey(key, signer(key))));
            }
            entries.sort(Comparator.comparingLong(Entry::generation));
            if (entries.isEmpty()) {
                throw new IllegalStateException("No signing key stored");
            }
            return new KeyRing(List.copyOf(entries));
        }

        /** The newest key that has started signing (the first key if, oddly, none has). */
        SigningKey active(Instant now) {
            Entry active = entries.get(0);
            for (Entry entry : entries) {
                if (!entry.activeFrom().isAfter(now)) {
                    active = entry;
                }
            }
            return active.signing();
        }

        String newest() {
            return entries.get(entries.size() - 1).jwk().getKeyID();
        }

        /**
         * Every key except those whose successor has been signing for longer than {@code retention},
         * and those {@code revoked} (another replica revoked it and this one has not read the store since).
         */
        JWKSet publicKeys(Instant now, Duration retention, Predicate<String> revoked) {
            List<String> expired = expired(now, retention);
            List<JWK> published = new ArrayList<>();
            for (Entry entry : entries) {
                if (!expired.contains(entry.id()) && !revoked.test(entry.jwk().getKeyID())) {
                    published.add(entry.jwk().toPublicJWK());
                }
            }
            return new JWKSet(published);
        }

        List<String> expired(Instant now, Duration retention) {
            List<String> expired = new ArrayList<>();
            for (int i = 0; i + 1 < entries.size(); i++) {
                if (entries.get(i + 1).activeFrom().plus(retention).isBefore(now)) {
                    expired.add(entries.get(i).id());
                }
            }
            return expired;
        }

        private static ECKey parse(String kid, String jwk) {
            try {
                return ECKey.parse(jwk);
            } catch (ParseException e) {
                // not chained: the parser's message may quote the key
                throw new IllegalStateException("Stored signing key " + kid + " is not a valid EC JWK");
            }
        }

        private static ECDSASigner signer(ECKey key) {
            try {
                return new ECDSASigner(key);
            } catch (JOSEException e) {
                throw new IllegalStateException("Signing key " + key.getKeyID() + " cannot sign", e);
            }
        }
    }
}
