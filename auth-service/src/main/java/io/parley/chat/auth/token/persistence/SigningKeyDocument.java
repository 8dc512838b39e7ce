package io.parley.chat.auth.token.persistence;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A signing key shared by every replica. {@code jwk} is the private JWK as JSON, stored in
 * the clear: production should wrap it with a KMS key (envelope encryption) so that a
 * database dump does not yield the power to mint tokens. That is left for later.
 *
 * @param id  {@code active} for the key that signs; rotation will move older keys to other ids
 *            and keep serving them in the JWKS until the tokens they signed have expired
 */
@Document(SigningKeyDocument.COLLECTION)
public record SigningKeyDocument(@Id String id, String kid, String algorithm, String jwk, Instant createdAt) {

    static final String COLLECTION = "signing_keys";
}
