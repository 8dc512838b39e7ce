package io.parley.chat.contracts.frames;

/** The {@code code} of an {@code error} frame, and whether retrying the same request may succeed. */
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

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean retryable() {
        return retryable;
    }
}
