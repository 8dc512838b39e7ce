package io.parley.chat.auth.account;

/** A validated sign-up request. */
public record Registration(String tenant, String username, String password, String displayName) {
}
