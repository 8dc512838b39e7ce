package io.parley.chat.auth.config;

import java.time.Duration;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.parley.chat.contracts.events.Topics;
import io.parley.chat.kit.kafka.TopicReplication;

@Configuration(proxyBeanMethods = false)
class KafkaConfig {

    /**
     * One hour: a revocation only matters to sockets open when it happens, and an edge
     * reads the topic from its end when it starts (access tokens expire sooner anyway).
     */
    @Bean
    NewTopic sessionsTopic(TopicReplication replication) {
        return replication.topic(Topics.SESSIONS)
                .partitions(4)
                .config(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofHours(1).toMillis()))
                .build();
    }
}
