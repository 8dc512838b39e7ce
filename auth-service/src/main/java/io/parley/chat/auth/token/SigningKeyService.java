package io.parley.chat.auth.token;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

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
import io.parley.chat.auth.token.persistence.SigningKeyDocument;
import io.parley.chat.auth.token.persistence.SigningKeyRepository;
import io.parley.chat.kit.security.ChatSecurityProperties;
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
 */
@Service
public class SigningKeyService {

    private static final Logger log = LoggerFactory.getLogger(SigningKeyService.class);

    static final String ACTIVE_ID = "active";
    static final Duration RELOAD_AFTER = Duration.ofMinutes(5);
    /** A token with an unknown kid reloads the keys at most this often, so random kids cannot flood Mongo. */
    private static final Duration UNKNOWN_KID_RELOAD_GAP = Duration.ofSeconds(5);

    private final SigningKeyRepository keys;
    private final KeyEncryptionKeys keks;
    private final AuthProperties.Keys settings;
    private final Duration retention;
    private final AtomicReference<Mono<KeyRing>> ring = new AtomicReference<>();
    private final AtomicLong lastForcedReload = new AtomicLong();

    SigningKeyService(SigningKeyRepository keys, KeyEncryptionKeys keks, AuthProperties auth,
                      ChatSecurityProperties security) {
        this.keys = keys;
        this.keks = keks;
        this.settings = auth.keys();
        this.retention = auth.accessTokenTtl().plus(security.clockSkew());
        reload();
    }

    /** The key that signs new tokens, created on first use if no replica has made one yet. */
    public Mono<SigningKey> activeKey() {
        return Mono.defer(ring::get).map(r -> r.active(Instant.now()));
    }

    /** Public halves of every key that may have signed a live token, or is about to sign. */
    public Mono<JWKSet> publicKeys() {
        return Mono.defer(ring::get).map(r -> r.publicKeys(Instant.now(), retention));
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
                    long next = stored.stream().mapToLong(SigningKeyDocument::generationOrZero).max().orElse(-1) + 1;
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

        /** Every key except those whose successor has been signing for longer than {@code retention}. */
        JWKSet publicKeys(Instant now, Duration retention) {
            List<String> expired = expired(now, retention);
            List<JWK> published = new ArrayList<>();
            for (Entry entry : entries) {
                if (!expired.contains(entry.id())) {
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
