package io.parley.chat.edge.clients;

import java.time.Duration;

import org.slf4j.LoggerFactory;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import io.parley.chat.contracts.frames.ErrorCode;
import io.parley.chat.kit.logging.ThrottledWarning;
import tools.jackson.databind.json.JsonMapper;

/** A call to another service that did not succeed, already translated into the frame error a client sees. */
public final class UpstreamRefusal extends RuntimeException {

    /** At most one warning per service every 10 s: an outage is one line every 10 s, not one per call. */
    private static final ThrottledWarning UNAVAILABLE = new ThrottledWarning(
            LoggerFactory.getLogger(UpstreamRefusal.class), Duration.ofSeconds(10));

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
        warnUnavailable(service, e);
        return new UpstreamRefusal(ErrorCode.UNAVAILABLE, service + " is unavailable; retry shortly.");
    }

    /** Why a call got no answer (refused, reset, timed out), so that "unavailable" can be traced; never a token or body. */
    private static void warnUnavailable(String service, Throwable e) {
        UNAVAILABLE.warn(service, e,
                "A call to {} got no answer, so clients are told it is unavailable: {} ({}); at most one line per 10 s");
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
