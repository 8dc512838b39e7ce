package io.parley.chat.auth.account;

import io.parley.chat.auth.token.AccessToken;
import io.parley.chat.auth.token.RefreshToken;

/** What a login or a refresh hands out. */
public record Session(User user, AccessToken accessToken, RefreshToken refreshToken) {
}
