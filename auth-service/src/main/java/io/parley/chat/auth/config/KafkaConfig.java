package io.parley.chat.auth.config;

import java.time.Duration;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

import io.parley.chat.contracts.events.Topics;

@Configuration(proxyBeanMethods = false)
class KafkaConfig {

    /**
     * One hour: a revocation only matters to sockets open when it happens, and an edge
     * reads the topic from its end when it starts (access tokens expire sooner anyway).
     */
    @Bean
    NewTopic sessionsTopic() {
        return TopicBuilder.name(Topics.SESSIONS)
                .partitions(4)
                .replicas(1)
                .config(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofHours(1).toMillis()))
                .build();
    }
}
