package io.parley.chat.auth.token;

import java.util.List;

/** Whom an access token speaks for: the claims {@code sub}, {@code tid}, {@code name} and {@code roles}. */
public record TokenSubject(String userId, String tenantId, String name, List<String> roles) {
}
