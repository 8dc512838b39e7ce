package io.parley.chat.kit.problem;

import java.net.URI;

import org.springframework.http.ProblemDetail;
import org.springframework.web.server.ServerWebExchange;

import io.micrometer.tracing.TraceContext;
import io.parley.chat.kit.tracing.CurrentTrace;

/**
 * The two members every problem carries beside RFC 9457's, so that a client reads the same
 * fields on REST and on the WebSocket's {@code error} frames: {@code code}, the last segment
 * of the {@code type} (one slug, spelled with hyphens, on both transports), and
 * {@code retryable}, whether the same request may succeed later. A problem answered to a
 * request also carries {@code traceId}, the trace of that request, so that an operator
 * given a problem body finds its spans and log lines without a time range to search.
 */
public final class ProblemFields {

    private ProblemFields() {
    }

    /**
     * Sets {@code code} from the type (always: it is the type's slug, never a value of its own)
     * and {@code retryable} from the status unless the problem says more precisely.
     */
    public static ProblemDetail complete(ProblemDetail problem) {
        String code = code(problem.getType());
        if (code != null) {
            problem.setProperty("code", code);
        }
        if (problem.getProperties() == null || !problem.getProperties().containsKey("retryable")) {
            problem.setProperty("retryable", ChatProblem.retryable(problem.getStatus()));
        }
        return problem;
    }

    /**
     * Sets {@code traceId} to the trace of the exchange's request, when it is traced. The trace
     * is read from the exchange, not from a thread-local: handlers run on whichever thread the
     * pipeline is on.
     */
    public static ProblemDetail traced(ProblemDetail problem, ServerWebExchange exchange) {
        String traceId = traceId(exchange);
        if (traceId != null) {
            problem.setProperty("traceId", traceId);
        }
        return problem;
    }

    /** The trace id of the exchange's request; null when it is not traced. */
    public static String traceId(ServerWebExchange exchange) {
        TraceContext trace = exchange == null ? null : CurrentTrace.ofExchange(exchange.getAttributes());
        return trace == null ? null : trace.traceId();
    }

    /** The slug of a type under {@link ChatProblem#TYPE_BASE}; null for any other type. */
    public static String code(URI type) {
        String text = type == null ? "" : type.toString();
        return text.startsWith(ChatProblem.TYPE_BASE) && text.length() > ChatProblem.TYPE_BASE.length()
                ? text.substring(ChatProblem.TYPE_BASE.length()) : null;
    }
}
