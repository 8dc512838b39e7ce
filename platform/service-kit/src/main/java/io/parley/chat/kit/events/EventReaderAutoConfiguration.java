package io.parley.chat.kit.events;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

/** An {@link EventReader} for every service that consumes Kafka. */
@AutoConfiguration(afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass(ConsumerRecord.class)
public class EventReaderAutoConfiguration {

    @Bean
    EventReader eventReader(JsonMapper json, MeterRegistry metrics) {
        return new EventReader(json, metrics);
    }
}
