package io.parley.chat.conversation.config;

import java.time.Duration;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.parley.chat.contracts.events.Topics;
import io.parley.chat.kit.kafka.TopicReplication;

@Configuration(proxyBeanMethods = false)
class KafkaConfig {

    /** Seven days: consumers that were down that long rebuild from this service, not from the topic. */
    @Bean
    NewTopic conversationsTopic(TopicReplication replication) {
        return replication.topic(Topics.CONVERSATIONS)
                .partitions(4)
                .config(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofDays(7).toMillis()))
                .build();
    }

    /**
     * message-service owns {@value Topics#MESSAGES} and declares it the same way; declaring it
     * here too lets this service's consumer start before message-service ever ran (a
     * declared topic that exists is left as it is).
     */
    @Bean
    NewTopic messagesTopic(TopicReplication replication) {
        return replication.topic(Topics.MESSAGES)
                .partitions(4)
                .config(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofDays(7).toMillis()))
                .build();
    }
}
