package io.parley.chat.auth.token.persistence;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A signing key shared by every replica. The private key is stored encrypted under a
 * key-encryption key that lives outside the database ({@code sealed}), so that a database
 * dump does not yield the power to mint tokens.
 *
 * @param id          {@code active} for the first key ever made; a rotated key's id is
 *                    {@code gen-<generation>}, so two replicas rotating at once collide on the
 *                    id and exactly one new key exists per generation
 * @param jwk         the private JWK as JSON in the clear: only in documents written before
 *                    keys were encrypted; the first start that knows a KEK encrypts it and removes this
 * @param generation  0 for the first key, one more for each rotation (null in documents from before rotation)
 * @param activeFrom  when this key starts signing; until then it is only published, so that
 *                    every verifier can know it before the first token it signs (null: from {@code createdAt})
 * @param sealed      the private JWK encrypted with AES-256-GCM under a key-encryption key
 */
@Document(SigningKeyDocument.COLLECTION)
public record SigningKeyDocument(@Id String id, String kid, String algorithm, String jwk, Instant createdAt,
                                 Long generation, Instant activeFrom, SealedJwk sealed) {

    static final String COLLECTION = "signing_keys";

    /** A key as stored before rotation and encryption existed: generation 0, signing from its creation, in the clear. */
    public SigningKeyDocument(String id, String kid, String algorithm, String jwk, Instant createdAt) {
        this(id, kid, algorithm, jwk, createdAt, 0L, createdAt, null);
    }

    public long generationOrZero() {
        return generation == null ? 0 : generation;
    }

    public Instant activeFromOrCreated() {
        return activeFrom == null ? createdAt : activeFrom;
    }
}
