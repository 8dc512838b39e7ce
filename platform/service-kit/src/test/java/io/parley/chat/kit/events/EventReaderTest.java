package io.parley.chat.kit.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.chat.contracts.events.MessageEvent;
import tools.jackson.databind.json.JsonMapper;

class EventReaderTest {

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final EventReader reader = new EventReader(JsonMapper.builder().build(), metrics);

    @Test
    void readsAnEventAndIgnoresFieldsItDoesNotKnow() {
        var event = reader.read(record("{\"type\":\"MessageCreated\",\"conversationId\":\"c1\",\"seq\":7,\"futureField\":1}"),
                MessageEvent.class);
        assertThat(event).hasValueSatisfying(e -> {
            assertThat(e.seq()).isEqualTo(7);
            assertThat(e.type()).isEqualTo(MessageEvent.Type.MessageCreated);
        });
        assertThat(metrics.find("chat.events.unreadable").counter()).isNull();
    }

    @Test
    void countsAndSkipsARecordItCannotRead() {
        assertThat(reader.read(record("{not json"), MessageEvent.class)).isEmpty();
        assertThat(reader.read(record("{\"type\":\"NoSuchType\"}"), MessageEvent.class)).isEmpty();
        assertThat(metrics.get("chat.events.unreadable").tag("topic", "chat.messages.v1").counter().count()).isEqualTo(2);
    }

    private static ConsumerRecord<String, String> record(String value) {
        return new ConsumerRecord<>("chat.messages.v1", 0, 42L, "c1", value);
    }
}
