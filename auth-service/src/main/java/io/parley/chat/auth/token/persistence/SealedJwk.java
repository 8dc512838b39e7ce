package io.parley.chat.auth.token.persistence;

/**
 * A private signing key (its JWK as JSON) encrypted with AES-256-GCM under the
 * key-encryption key {@code kekId}: what Mongo holds instead of the key itself.
 *
 * @param kekId      which key-encryption key wraps it; rotating the KEK re-wraps the key under a new id
 * @param iv         the 12-byte GCM nonce, base64
 * @param ciphertext the encrypted JWK with its 16-byte tag, base64; bound to the key's id and kid
 *                   (additional authenticated data), so it cannot be moved to another key's document
 */
public record SealedJwk(String kekId, String iv, String ciphertext) {
}
