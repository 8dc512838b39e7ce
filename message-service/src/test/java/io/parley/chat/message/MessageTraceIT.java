package io.parley.chat.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

import io.parley.chat.kit.tracing.Traceparent;
import io.parley.chat.testkit.TestInfrastructure;

/**
 * A send's trace goes with its message onto Kafka: the record of chat.messages.v1 carries one
 * {@code traceparent}, in the caller's trace, whose parent is message-service's own span of the
 * request (not the caller's span), so the edges' consumers continue the send's trace. The
 * context is stored with the entry, so it is the same whether the send publishes it or the
 * sweeper does later.
 */
@TestPropertySource(properties = "management.tracing.sampling.probability=1.0")
class MessageTraceIT extends RunningService {

    private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    private static final String CALLER_SPAN = "b7ad6b7169203331";

    @Test
    void theRecordOfASendCarriesTheSendsTraceWithTheServiceAsParent() {
        http.post().uri("/internal/v1/conversations/{id}/messages/batch", conversation)
                .header("Authorization", "Bearer " + aliceToken)
                .header("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01")
                .contentType(MediaType.APPLICATION_NDJSON)
                .bodyValue(ndjson(List.of(Map.of("clientMsgId", "traced-1", "body", "x".repeat(4000)))))
                .exchange().expectStatus().isOk();

        ConsumerRecord<String, String> record = firstRecordOf(conversation);
        assertThat(record.headers().headers("traceparent")).as("exactly one traceparent").hasSize(1);
        Header header = record.headers().lastHeader("traceparent");
        Traceparent sent = Traceparent.parse(new String(header.value(), StandardCharsets.US_ASCII)).orElseThrow();
        assertThat(sent.traceId()).isEqualTo(TRACE_ID);
        assertThat(sent.spanId()).as("message-service's span, a child of the caller's").isNotEqualTo(CALLER_SPAN);
        assertThat(sent.sampled()).isTrue();
    }

    private static ConsumerRecord<String, String> firstRecordOf(String conversationId) {
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                "bootstrap.servers", TestInfrastructure.kafka().bootstrapServers(),
                "group.id", "it-" + UUID.randomUUID(), "auto.offset.reset", "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("chat.messages.v1"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (conversationId.equals(record.key())) {
                        return record;
                    }
                }
            }
            throw new AssertionError("no record of " + conversationId + " on chat.messages.v1");
        }
    }
}
