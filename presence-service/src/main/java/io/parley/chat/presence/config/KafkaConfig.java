package io.parley.chat.presence.config;

import java.time.Duration;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.parley.chat.contracts.events.Topics;
import io.parley.chat.kit.kafka.TopicReplication;

@Configuration(proxyBeanMethods = false)
class KafkaConfig {

    /** One hour: presence is soft state, an edge that missed more asks for current status instead. */
    @Bean
    NewTopic presenceTopic(TopicReplication replication) {
        return replication.topic(Topics.PRESENCE)
                .partitions(4)
                .config(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofHours(1).toMillis()))
                .build();
    }
}
