package io.parley.chat.auth.token;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

import io.parley.chat.auth.token.persistence.SigningKeyDocument;
import io.parley.chat.auth.token.persistence.SigningKeyRepository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The EC P-256 keys this service signs with and publishes. They live in Mongo so that
 * every replica signs with the same key and serves the same JWKS; each replica holds
 * them in memory and reads them again every few minutes, which is how a key rotated
 * elsewhere will reach it (rotation itself comes later).
 */
@Service
public class SigningKeyService {

    private static final Logger log = LoggerFactory.getLogger(SigningKeyService.class);

    static final String ACTIVE_ID = "active";
    private static final Duration RELOAD_AFTER = Duration.ofMinutes(5);

    private final SigningKeyRepository keys;
    private final Mono<KeyRing> ring;

    SigningKeyService(SigningKeyRepository keys) {
        this.keys = keys;
        // A failed load is not cached: the next request tries Mongo again.
        this.ring = Mono.defer(this::load).cache(loaded -> RELOAD_AFTER, error -> Duration.ZERO, () -> Duration.ZERO);
    }

    /** The key that signs new tokens, created on first use if no replica has made one yet. */
    public Mono<SigningKey> activeKey() {
        return ring.map(KeyRing::active);
    }

    /** Public halves of every key that may have signed a live token. */
    public Mono<JWKSet> publicKeys() {
        return ring.map(KeyRing::publicKeys);
    }

    /** What this service's own token decoder verifies against; it picks by {@code kid}. */
    public Flux<JWK> verificationKeys() {
        return publicKeys().flatMapIterable(JWKSet::getKeys);
    }

    private Mono<KeyRing> load() {
        return keys.findAll().collectList()
                .flatMap(stored -> hasActive(stored) ? Mono.just(stored) : createActive())
                .map(KeyRing::of);
    }

    private Mono<List<SigningKeyDocument>> createActive() {
        return keys.insertIfMissing(generate())
                .doOnNext(winner -> log.info("Signing with key {}", winner.kid()))
                .thenMany(keys.findAll())
                .collectList();
    }

    private static boolean hasActive(List<SigningKeyDocument> stored) {
        return stored.stream().anyMatch(key -> ACTIVE_ID.equals(key.id()));
    }

    private static SigningKeyDocument generate() {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256)
                    .keyID(UUID.randomUUID().toString())
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .generate();
            return new SigningKeyDocument(ACTIVE_ID, key.getKeyID(), JWSAlgorithm.ES256.getName(), key.toJSONString(),
                    Instant.now());
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot generate an EC P-256 key", e);
        }
    }

    private record KeyRing(SigningKey active, JWKSet publicKeys) {

        static KeyRing of(List<SigningKeyDocument> stored) {
            SigningKey active = null;
            List<JWK> published = new java.util.ArrayList<>();
            for (SigningKeyDocument doc : stored) {
                ECKey key = parse(doc);
                published.add(key.toPublicJWK());
                if (ACTIVE_ID.equals(doc.id())) {
                    active = new SigningKey(key, signer(key));
                }
            }
            if (active == null) {
                throw new IllegalStateException("No active signing key in " + stored.size() + " stored keys");
            }
            return new KeyRing(active, new JWKSet(published));
        }

        private static ECKey parse(SigningKeyDocument doc) {
            try {
                return ECKey.parse(doc.jwk());
            } catch (ParseException e) {
                throw new IllegalStateException("Stored signing key " + doc.kid() + " is not a valid EC JWK", e);
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
