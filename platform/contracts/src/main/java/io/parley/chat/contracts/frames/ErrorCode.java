package io.parley.chat.contracts.frames;

import java.util.Locale;

/**
 * The {@code code} of an {@code error} frame, and whether retrying the same request may succeed.
 * Codes are spelled as the slugs of REST problem types ({@code not-found}, {@code rate-limited}):
 * one vocabulary on both transports.
 */
public enum ErrorCode {
    UNAUTHORIZED(false),
    FORBIDDEN(false),
    NOT_FOUND(false),
    INVALID(false),
    TOO_LARGE(false),
    RATE_LIMITED(true),
    UNAVAILABLE(true),
    INTERNAL(true);

    private final boolean retryable;

    ErrorCode(boolean retryable) {
        this.retryable = retryable;
    }

    /** Lower case, words joined by hyphens. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The spelling protocol v1 used before codes took hyphens ({@code not_found}), for the
     * codes whose spelling changed; null for the others. Sent as {@code legacyCode} until
     * protocol v2.
     */
    @Deprecated(forRemoval = true)
    public String legacyWire() {
        String underscored = name().toLowerCase(Locale.ROOT);
        return underscored.equals(wire()) ? null : underscored;
    }

    public boolean retryable() {
        return retryable;
    }
}
