package io.parley.chat.auth.token;

/** What a redeemed refresh token vouches for: a user, and the login (family) it continues. */
public record RefreshGrant(String familyId, String userId, String tenantId) {
}
