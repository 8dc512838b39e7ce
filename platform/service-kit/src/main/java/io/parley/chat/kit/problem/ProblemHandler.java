package io.parley.chat.kit.problem;

import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;

import jakarta.validation.ConstraintViolationException;
import reactor.core.publisher.Mono;

/**
 * The one exception handler of a service: every error is a problem detail with a
 * stable {@code type}, its {@code code} and {@code retryable} and the request's {@code traceId}
 * ({@link ProblemFields}),
 * bad input is a 4xx that says which field is wrong, and nothing
 * a client sent (bodies, tokens) is echoed into logs.
 */
@RestControllerAdvice
@org.springframework.core.annotation.Order(org.springframework.core.Ordered.HIGHEST_PRECEDENCE)
public class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @Override
    protected Mono<ResponseEntity<Object>> handleWebExchangeBindException(WebExchangeBindException ex,
            HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        Map<String, String> errors = new LinkedHashMap<>();
        ex.getFieldErrors().forEach(e -> errors.putIfAbsent(e.getField(), e.getDefaultMessage()));
        ex.getGlobalErrors().forEach(e -> errors.putIfAbsent(e.getObjectName(), e.getDefaultMessage()));
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "validation",
                "Invalid fields: " + String.join(", ", errors.keySet()) + ".");
        problem.setProperty("errors", errors);
        return Mono.just(ResponseEntity.badRequest().body(ProblemFields.traced(problem, exchange)));
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleServerWebInputException(ServerWebInputException ex,
            HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        if (hasCause(ex, DataBufferLimitException.class)) {
            return tooLarge(exchange);
        }
        String field = jsonField(ex);
        if (field != null) {
            ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "validation", "Invalid fields: " + field + ".");
            problem.setProperty("errors", Map.of(field, "has the wrong type or shape"));
            return Mono.just(ResponseEntity.badRequest().body(ProblemFields.traced(problem, exchange)));
        }
        String detail = hasCause(ex, DecodingException.class)
                ? "The request body is not valid JSON of the expected shape."
                : ex.getReason() == null ? "The request is malformed." : ex.getReason();
        return Mono.just(ResponseEntity.badRequest()
                .body(ProblemFields.traced(problem(HttpStatus.BAD_REQUEST, "invalid-request", detail), exchange)));
    }

    @ExceptionHandler(DataBufferLimitException.class)
    Mono<ResponseEntity<Object>> handleLimit(DataBufferLimitException ex, ServerWebExchange exchange) {
        return tooLarge(exchange);
    }

    @ExceptionHandler(ConstraintViolationException.class)
    Mono<ResponseEntity<Object>> handleConstraint(ConstraintViolationException ex, ServerWebExchange exchange) {
        Map<String, String> errors = new LinkedHashMap<>();
        ex.getConstraintViolations().forEach(v -> errors.putIfAbsent(leaf(v.getPropertyPath().toString()), v.getMessage()));
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "validation",
                "Invalid parameters: " + String.join(", ", errors.keySet()) + ".");
        problem.setProperty("errors", errors);
        return Mono.just(ResponseEntity.badRequest().body(ProblemFields.traced(problem, exchange)));
    }

    @ExceptionHandler(Exception.class)
    Mono<ResponseEntity<Object>> handleUnexpected(Exception ex, ServerWebExchange exchange) {
        if (exchange.getResponse().isCommitted() || callerWentAway(ex)) {
            // the caller closed the connection or stopped reading (its timeout, a socket it gave up on): there is
            // nobody to answer, and writing a problem on a started response fails the exchange a second time
            log.debug("The caller of {} {} went away before the answer was complete ({})", exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(), ex.getClass().getSimpleName());
            return Mono.empty();
        }
        log.error("Unhandled error on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), ex);
        ProblemDetail problem = problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal",
                "The server failed to handle the request. It is safe to retry.");
        return Mono.just(ResponseEntity.internalServerError().body(ProblemFields.traced(problem, exchange)));
    }

    /** Gives Spring's own problem details a stable type instead of {@code about:blank}, and their two fields. */
    @Override
    protected Mono<ResponseEntity<Object>> createResponseEntity(Object body, HttpHeaders headers,
            HttpStatusCode status, ServerWebExchange exchange) {
        if (body instanceof ProblemDetail problem) {
            if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
                problem.setType(ChatProblem.typeUri(ChatProblem.slugFor(status.value())));
            }
            if (problem.getDetail() == null || problem.getDetail().isBlank()) {
                problem.setDetail(defaultDetail(status.value()));
            }
            ProblemFields.traced(ProblemFields.complete(problem), exchange);
        }
        return super.createResponseEntity(body, headers, status, exchange);
    }

    private static String defaultDetail(int status) {
        return switch (status) {
            case 413 -> "The request body is larger than allowed.";
            case 404 -> "There is nothing at this path.";
            case 405 -> "This path does not accept that method.";
            case 415 -> "Send the body as application/json.";
            default -> "The request cannot be handled as sent.";
        };
    }

    private static Mono<ResponseEntity<Object>> tooLarge(ServerWebExchange exchange) {
        return Mono.just(ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(ProblemFields.traced(
                problem(HttpStatus.CONTENT_TOO_LARGE, "too-large", "The request body is larger than allowed."), exchange)));
    }

    private static ProblemDetail problem(HttpStatus status, String slug, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(ChatProblem.typeUri(slug));
        problem.setTitle(status.getReasonPhrase());
        return ProblemFields.complete(problem);
    }

    /**
     * A failure that only says the connection to the caller is gone: an aborted or closed channel. A cancellation is
     * not one of them: before the answer has started it is the service's own (a future it gave up on), so a 500.
     */
    static boolean callerWentAway(Throwable ex) {
        return hasCause(ex, reactor.netty.channel.AbortedException.class)
                || hasCause(ex, java.nio.channels.ClosedChannelException.class);
    }

    private static boolean hasCause(Throwable ex, Class<? extends Throwable> type) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The JSON path of the field a body failed to bind at ({@code members[2].userId}), when Jackson knows it. */
    private static String jsonField(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof tools.jackson.core.JacksonException jackson && !jackson.getPath().isEmpty()) {
                StringBuilder path = new StringBuilder();
                for (var ref : jackson.getPath()) {
                    if (ref.getPropertyName() != null) {
                        path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
                    } else if (ref.getIndex() >= 0) {
                        path.append('[').append(ref.getIndex()).append(']');
                    }
                }
                return path.isEmpty() ? null : path.toString();
            }
        }
        return null;
    }

    private static String leaf(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }
}
