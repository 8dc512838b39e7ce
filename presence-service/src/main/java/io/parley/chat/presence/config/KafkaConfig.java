package io.parley.chat.presence.config;

import java.time.Duration;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

import io.parley.chat.contracts.events.Topics;

@Configuration(proxyBeanMethods = false)
class KafkaConfig {

    /** One hour: presence is soft state, an edge that missed more asks for current status instead. */
    @Bean
    NewTopic presenceTopic() {
        return TopicBuilder.name(Topics.PRESENCE)
                .partitions(4)
                .replicas(1)
                .config(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofHours(1).toMillis()))
                .build();
    }
}
