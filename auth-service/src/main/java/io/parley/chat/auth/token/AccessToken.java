package io.parley.chat.auth.token;

import java.time.Duration;

public record AccessToken(String value, Duration expiresIn) {
}
