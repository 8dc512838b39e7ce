package io.parley.chat.auth.token;

import java.time.Duration;

/** A refresh token as handed to the client; only its hash is stored. */
public record RefreshToken(String value, Duration expiresIn) {
}
