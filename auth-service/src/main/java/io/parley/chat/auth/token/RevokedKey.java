package io.parley.chat.auth.token;

/**
 * The outcome of revoking a signing key.
 *
 * @param revoked the kid no token is accepted with any more
 * @param signing the kid that signs new tokens now (a new one when the revoked key was signing)
 */
public record RevokedKey(String revoked, String signing) {
}
