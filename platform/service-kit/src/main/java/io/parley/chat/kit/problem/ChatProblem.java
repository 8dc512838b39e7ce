package io.parley.chat.kit.problem;

import java.net.URI;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A domain error that answers as an RFC 9457 problem detail with a stable {@code type}.
 * Services subclass it with a name that says what happened ({@code ConversationNotFound},
 * {@code NotAMember}) so that emptiness and refusal read as errors in a pipeline.
 */
public class ChatProblem extends ErrorResponseException {

    public static final String TYPE_BASE = "https://parley.dev/problems/";

    public ChatProblem(HttpStatus status, String slug, String detail) {
        this(status, slug, detail, Map.of());
    }

    public ChatProblem(HttpStatus status, String slug, String detail, Map<String, Object> properties) {
        super(status, problem(status, slug, detail, properties), null);
    }

    public static URI typeUri(String slug) {
        return URI.create(TYPE_BASE + slug);
    }

    /** The stable type for a status when no more specific one applies. */
    public static String slugFor(int status) {
        return switch (status) {
            case 400 -> "invalid-request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 409 -> "conflict";
            case 413 -> "too-large";
            case 415 -> "unsupported-media-type";
            case 429 -> "rate-limited";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal" : "error";
        };
    }

    /** Whether the same request may succeed later; clients use it to decide on retries. */
    public static boolean retryable(int status) {
        return status == 429 || status == 502 || status == 503 || status == 504 || status == 500;
    }

    private static ProblemDetail problem(HttpStatus status, String slug, String detail, Map<String, Object> props) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(typeUri(slug));
        problem.setTitle(status.getReasonPhrase());
        props.forEach(problem::setProperty);
        return ProblemFields.complete(problem);
    }

    public String detail() {
        return getBody().getDetail();
    }
}
