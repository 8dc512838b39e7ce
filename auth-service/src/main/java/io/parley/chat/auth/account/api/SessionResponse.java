package io.parley.chat.auth.account.api;

import io.parley.chat.auth.account.Session;

/** Field names follow OAuth 2.0 token responses in camelCase; expiries are in seconds. */
record SessionResponse(String accessToken, String tokenType, long expiresIn, String refreshToken,
                       long refreshExpiresIn, UserResponse user) {

    static SessionResponse of(Session session) {
        return new SessionResponse(session.accessToken().value(), "Bearer",
                session.accessToken().expiresIn().toSeconds(), session.refreshToken().value(),
                session.refreshToken().expiresIn().toSeconds(), UserResponse.of(session.user()));
    }
}
