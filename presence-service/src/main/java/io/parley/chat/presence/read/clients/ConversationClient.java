package io.parley.chat.presence.read.clients;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import io.parley.chat.kit.problem.ChatProblem;
import io.parley.chat.kit.problem.ProblemFields;
import io.parley.chat.kit.security.ChatPrincipal;
import io.parley.chat.presence.config.PresenceProperties;
import io.parley.chat.presence.read.ReadMarker;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Stores read markers in conversation-service, relaying the caller's token: it checks
 * membership and moves the marker forward only. Its refusals (4xx) are passed on as they
 * came, so the client sees conversation-service's problem type; an unreachable service is
 * a retryable 503. Retrying is safe because the marker only moves forward.
 */
@Component
public class ConversationClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final ParameterizedTypeReference<Map<String, Object>> PROBLEM = new ParameterizedTypeReference<>() {
    };
    private static final Set<String> STANDARD_MEMBERS = Set.of("type", "title", "status", "detail", "instance");

    private final WebClient http;

    public ConversationClient(WebClient.Builder builder, PresenceProperties properties) {
        this.http = builder.baseUrl(properties.conversationServiceUrl().toString()).build();
    }

    public Mono<ReadMarker> markRead(ChatPrincipal caller, String conversationId, long seq) {
        return http.put().uri("/api/v1/conversations/{id}/read", conversationId)
                .header(HttpHeaders.AUTHORIZATION, caller.bearer())
                .bodyValue(Map.of("seq", seq))
                .exchangeToMono(response -> response.statusCode().is2xxSuccessful()
                        ? response.bodyToMono(ReadMarker.class)
                        : refusal(response))
                .timeout(TIMEOUT)
                .retryWhen(Retry.backoff(2, Duration.ofMillis(50)).filter(ConversationClient::transientFailure))
                .onErrorMap(e -> !(e instanceof ErrorResponseException), e -> new ConversationServiceUnavailable());
    }

    private static Mono<ReadMarker> refusal(ClientResponse response) {
        HttpStatusCode status = response.statusCode();
        if (!status.is4xxClientError()) {
            return response.releaseBody().then(Mono.error(new UpstreamFailure()));
        }
        return response.bodyToMono(PROBLEM)
                .onErrorResume(e -> Mono.empty())
                .defaultIfEmpty(Map.of())
                .flatMap(problem -> Mono.error(passOn(status, problem)));
    }

    /**
     * conversation-service's problem with its type, detail and extension members (such as
     * the field errors of a 400); status, title and instance are this answer's own.
     */
    private static ErrorResponseException passOn(HttpStatusCode status, Map<String, Object> upstream) {
        ProblemDetail problem = ProblemDetail.forStatus(status);
        Object type = upstream.get("type");
        problem.setType(type instanceof String t && t.startsWith(ChatProblem.TYPE_BASE)
                ? URI.create(t) : ChatProblem.typeUri(ChatProblem.slugFor(status.value())));
        problem.setDetail(upstream.get("detail") instanceof String d ? d : null);
        upstream.forEach((name, value) -> {
            if (!STANDARD_MEMBERS.contains(name)) {
                problem.setProperty(name, value);
            }
        });
        return new ErrorResponseException(status, ProblemFields.complete(problem), null);
    }

    private static boolean transientFailure(Throwable e) {
        return e instanceof WebClientRequestException || e instanceof TimeoutException || e instanceof UpstreamFailure;
    }

    /** A 5xx from conversation-service: retried, then answered as unavailable. */
    private static final class UpstreamFailure extends RuntimeException {
        UpstreamFailure() {
            super("conversation-service answered 5xx", null, false, false);
        }
    }

    static final class ConversationServiceUnavailable extends ChatProblem {
        ConversationServiceUnavailable() {
            super(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Read markers cannot be stored right now; retry shortly.",
                    Map.of("retryable", true));
        }
    }
}
