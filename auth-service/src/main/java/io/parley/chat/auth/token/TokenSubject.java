package io.parley.chat.auth.token;

import java.util.List;

/**
 * Whom an access token speaks for: the claims {@code sub}, {@code tid}, {@code name} and
 * {@code roles}, and {@code sid}, the login (refresh-token family) it was issued in, so
 * that the edges can close a login's sockets when it ends; null for service accounts,
 * which have no login.
 */
public record TokenSubject(String userId, String tenantId, String name, List<String> roles, String sessionId) {

    public TokenSubject(String userId, String tenantId, String name, List<String> roles) {
        this(userId, tenantId, name, roles, null);
    }
}
