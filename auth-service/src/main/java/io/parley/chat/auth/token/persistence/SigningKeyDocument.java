package io.parley.chat.auth.token.persistence;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A signing key shared by every replica. {@code jwk} is the private JWK as JSON, stored in
 * the clear: production should wrap it with a KMS key (envelope encryption) so that a
 * database dump does not yield the power to mint tokens. That is left for later.
 *
 * @param id          {@code active} for the first key ever made; a rotated key's id is
 *                    {@code gen-<generation>}, so two replicas rotating at once collide on the
 *                    id and exactly one new key exists per generation
 * @param generation  0 for the first key, one more for each rotation (null in documents from before rotation)
 * @param activeFrom  when this key starts signing; until then it is only published, so that
 *                    every verifier can know it before the first token it signs (null: from {@code createdAt})
 */
@Document(SigningKeyDocument.COLLECTION)
public record SigningKeyDocument(@Id String id, String kid, String algorithm, String jwk, Instant createdAt,
                                 Long generation, Instant activeFrom) {

    static final String COLLECTION = "signing_keys";

    public SigningKeyDocument(String id, String kid, String algorithm, String jwk, Instant createdAt) {
        this(id, kid, algorithm, jwk, createdAt, 0L, createdAt);
    }

    public long generationOrZero() {
        return generation == null ? 0 : generation;
    }

    public Instant activeFromOrCreated() {
        return activeFrom == null ? createdAt : activeFrom;
    }
}
