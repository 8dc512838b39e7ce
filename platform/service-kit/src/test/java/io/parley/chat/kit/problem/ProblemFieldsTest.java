package io.parley.chat.kit.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Every way a problem is made carries {@code code} (the type's slug) and {@code retryable}. */
class ProblemFieldsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aChatProblemCarriesItsSlugAsCodeAndRetryableFromItsStatus() {
        ProblemDetail notFound = new ChatProblem(HttpStatus.NOT_FOUND, "member-not-found", "No such member.").getBody();
        ProblemDetail unavailable = new ChatProblem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Later.").getBody();

        assertThat(notFound.getProperties()).containsEntry("code", "member-not-found").containsEntry("retryable", false);
        assertThat(unavailable.getProperties()).containsEntry("code", "unavailable").containsEntry("retryable", true);
    }

    @Test
    void aRetryableTheProblemStatesWinsOverItsStatus() {
        ProblemDetail inProgress = new ChatProblem(HttpStatus.CONFLICT, "send-in-progress", "Retry.",
                Map.of("retryable", true)).getBody();

        assertThat(inProgress.getProperties()).containsEntry("code", "send-in-progress").containsEntry("retryable", true);
    }

    @Test
    void theCodeIsAlwaysTheTypesSlugAndOnlyForOurTypes() {
        ProblemDetail passedOn = ProblemDetail.forStatus(HttpStatus.BAD_REQUEST);
        passedOn.setType(ChatProblem.typeUri("validation"));
        passedOn.setProperty("code", "something-else");
        ProblemDetail foreign = ProblemDetail.forStatus(HttpStatus.BAD_REQUEST);

        assertThat(ProblemFields.complete(passedOn).getProperties()).containsEntry("code", "validation");
        assertThat(ProblemFields.complete(foreign).getProperties()).doesNotContainKey("code").containsEntry("retryable", false);
    }

    @Test
    void aProblemWrittenByHandHasTheSameMembers() {
        JsonNode limited = JSON.readTree(ProblemResponses.body(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Slow down.", null));
        JsonNode refused = JSON.readTree(ProblemResponses.body(HttpStatus.FORBIDDEN, "origin-not-allowed", "No.", null));
        JsonNode draining = JSON.readTree(ProblemResponses.body(HttpStatus.SERVICE_UNAVAILABLE, "draining", "Again.", true));

        assertThat(limited.path("type").asString()).isEqualTo("https://parley.dev/problems/rate-limited");
        assertThat(limited.path("code").asString()).isEqualTo("rate-limited");
        assertThat(limited.path("retryable").asBoolean()).isTrue();
        assertThat(limited.path("status").asInt()).isEqualTo(429);
        assertThat(refused.path("code").asString()).isEqualTo("origin-not-allowed");
        assertThat(refused.path("retryable").isBoolean()).isTrue();
        assertThat(refused.path("retryable").asBoolean()).isFalse();
        assertThat(draining.path("retryable").asBoolean()).isTrue();
    }
}
