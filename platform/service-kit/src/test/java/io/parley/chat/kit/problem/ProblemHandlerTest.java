package io.parley.chat.kit.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CancellationException;

import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import reactor.netty.channel.AbortedException;

/**
 * An unexpected failure is a 500 problem that says it is safe to retry; a failure that only
 * says the caller went away (its timeout closed the connection mid-answer) is no error of the
 * service: nothing is written, and no problem is logged at ERROR for it.
 */
class ProblemHandlerTest {

    private final ProblemHandler handler = new ProblemHandler();

    @Test
    void anUnexpectedFailureIsAnInternalProblemThatSaysItIsRetryable() {
        ResponseEntity<Object> answer = handler.handleUnexpected(new IllegalStateException("boom"), exchange()).block();

        assertThat(answer).isNotNull();
        assertThat(answer.getStatusCode().value()).isEqualTo(500);
        ProblemDetail problem = (ProblemDetail) answer.getBody();
        assertThat(problem.getProperties()).containsEntry("code", "internal").containsEntry("retryable", true);
        assertThat(problem.getDetail()).doesNotContain("boom");
    }

    @Test
    void aCallerThatWentAwayGetsNothingWritten() {
        assertThat(handler.handleUnexpected(new AbortedException("Connection has been closed BEFORE send operation"),
                exchange()).blockOptional()).isEmpty();
        assertThat(handler.handleUnexpected(new RuntimeException(new java.nio.channels.ClosedChannelException()),
                exchange()).blockOptional()).isEmpty();
    }

    @Test
    void aCancellationBeforeTheAnswerStartedIsTheServicesOwnFailure() {
        ResponseEntity<Object> answer = handler.handleUnexpected(new CancellationException(), exchange()).block();

        assertThat(answer).isNotNull();
        assertThat(answer.getStatusCode().value()).isEqualTo(500);
    }

    @Test
    void aCancellationOnAStartedAnswerIsTheCallerGoingAway() {
        MockServerWebExchange exchange = exchange();
        exchange.getResponse().setComplete().block();

        assertThat(handler.handleUnexpected(new CancellationException(), exchange).blockOptional()).isEmpty();
    }

    @Test
    void anAnswerAlreadyStartedIsNotWrittenAgain() {
        MockServerWebExchange exchange = exchange();
        exchange.getResponse().setComplete().block();

        assertThat(handler.handleUnexpected(new IllegalStateException("after the headers"), exchange).blockOptional())
                .isEmpty();
    }

    private static MockServerWebExchange exchange() {
        return MockServerWebExchange.from(MockServerHttpRequest.get("/internal/v1/conversations/c1/messages"));
    }
}
