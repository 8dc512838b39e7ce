package io.parley.chat.kit.events;

import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a Kafka record as an event of the contracts. A record that cannot be read is
 * counted ({@code chat_events_unreadable_total{topic}}), logged by its position only
 * (never its content, which may carry a message body) and skipped: one bad record must
 * never stop a partition, and consumers ignore fields they do not know.
 */
public final class EventReader {

    private static final Logger log = LoggerFactory.getLogger(EventReader.class);

    private final JsonMapper json;
    private final MeterRegistry metrics;

    public EventReader(JsonMapper json, MeterRegistry metrics) {
        this.json = json;
        this.metrics = metrics;
    }

    public <T> Optional<T> read(ConsumerRecord<String, String> record, Class<T> type) {
        try {
            return Optional.ofNullable(json.readValue(record.value(), type));
        } catch (RuntimeException e) {
            metrics.counter("chat.events.unreadable", "topic", record.topic()).increment();
            log.warn("Skipping an unreadable record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getClass().getSimpleName());
            return Optional.empty();
        }
    }
}
