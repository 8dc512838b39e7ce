package io.parley.chat.edge.clients;

import org.springframework.web.reactive.function.client.WebClientResponseException;

import io.parley.chat.contracts.frames.ErrorCode;
import tools.jackson.databind.json.JsonMapper;

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

    /**
     * What a failed call means to the client: a refusal of the service (its status and
     * problem detail) as is, anything else (refused connection, timeout) as
     * {@code unavailable}, which is retryable.
     */
    static UpstreamRefusal of(Throwable e, JsonMapper json, String service) {
        if (e instanceof UpstreamRefusal refusal) {
            return refusal;
        }
        if (e instanceof WebClientResponseException response) {
            return fromStatus(response.getStatusCode().value(), detail(response, json));
        }
        return new UpstreamRefusal(ErrorCode.UNAVAILABLE, service + " is unavailable; retry shortly.");
    }

    private static String detail(WebClientResponseException response, JsonMapper json) {
        try {
            return json.readTree(response.getResponseBodyAsString()).path("detail").asString("");
        } catch (RuntimeException notJson) {
            return "";
        }
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
