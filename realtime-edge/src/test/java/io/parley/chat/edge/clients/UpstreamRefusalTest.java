package io.parley.chat.edge.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import io.parley.chat.contracts.frames.ErrorCode;
import tools.jackson.databind.json.JsonMapper;

/** A call that got no answer is told to the client as retryable unavailability, naming the service. */
class UpstreamRefusalTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void noAnswerIsUnavailableAndRetryableWhateverTheCause() {
        for (Throwable cause : new Throwable[] {new TimeoutException("slow"),
                new IllegalStateException("wrapped", new ConnectException("refused"))}) {
            UpstreamRefusal refusal = UpstreamRefusal.of(cause, JSON, "message-service");

            assertThat(refusal.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(refusal.code().retryable()).isTrue();
            assertThat(refusal.getMessage()).isEqualTo("message-service is unavailable; retry shortly.");
        }
    }

    @Test
    void aServiceRefusalKeepsItsStatusMeaning() {
        assertThat(UpstreamRefusal.fromStatus(404, "No such conversation.").code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(UpstreamRefusal.fromStatus(429, "").code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(UpstreamRefusal.fromStatus(503, "").getMessage()).isEqualTo("The request was refused (503).");
    }
}
