package io.parley.chat.edge.clients;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import io.parley.chat.contracts.frames.ErrorCode;
import tools.jackson.databind.json.JsonMapper;

/** A call to another service that did not succeed, already translated into the frame error a client sees. */
public final class UpstreamRefusal extends RuntimeException {

    private static final Logger log = LoggerFactory.getLogger(UpstreamRefusal.class);
    /** At most one warning per service in this long: an outage is one line every 10 s, not one per call. */
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final ConcurrentMap<String, Long> LAST_WARNED = new ConcurrentHashMap<>();

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
        long now = System.nanoTime();
        boolean[] due = {false};
        LAST_WARNED.compute(service, (name, last) -> {
            due[0] = last == null || now - last >= WARN_EVERY_NANOS;
            return due[0] ? now : last;
        });
        if (due[0]) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            log.warn("A call to {} got no answer, so clients are told it is unavailable: {} ({}); at most one line"
                    + " per 10 s", service, e.getClass().getSimpleName(), root.getClass().getSimpleName());
        }
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
