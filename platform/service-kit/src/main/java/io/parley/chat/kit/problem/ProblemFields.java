package io.parley.chat.kit.problem;

import java.net.URI;

import org.springframework.http.ProblemDetail;

/**
 * The two members every problem carries beside RFC 9457's, so that a client reads the same
 * fields on REST and on the WebSocket's {@code error} frames: {@code code}, the last segment
 * of the {@code type} (one slug, spelled with hyphens, on both transports), and
 * {@code retryable}, whether the same request may succeed later.
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

    /** The slug of a type under {@link ChatProblem#TYPE_BASE}; null for any other type. */
    public static String code(URI type) {
        String text = type == null ? "" : type.toString();
        return text.startsWith(ChatProblem.TYPE_BASE) && text.length() > ChatProblem.TYPE_BASE.length()
                ? text.substring(ChatProblem.TYPE_BASE.length()) : null;
    }
}
