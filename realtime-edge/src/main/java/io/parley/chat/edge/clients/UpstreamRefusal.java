package io.parley.chat.edge.clients;

import io.parley.chat.contracts.frames.ErrorCode;

/** A call to another service that did not succeed, already translated into the frame error a client sees. */
public final class UpstreamRefusal extends RuntimeException {

    private final ErrorCode code;

    public UpstreamRefusal(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    static UpstreamRefusal fromStatus(int status, String detail) {
        ErrorCode code = switch (status) {
            case 400, 422 -> ErrorCode.INVALID;
            case 401 -> ErrorCode.UNAUTHORIZED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 413 -> ErrorCode.TOO_LARGE;
            case 429 -> ErrorCode.RATE_LIMITED;
            default -> ErrorCode.UNAVAILABLE;
        };
        return new UpstreamRefusal(code, detail == null || detail.isBlank() ? "The request was refused (" + status + ")." : detail);
    }
}
