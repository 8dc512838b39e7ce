package io.parley.chat.kit.kafka;

import java.util.List;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * {@link TopicReplication} for the services that declare topics, and the startup check of
 * existing topics against it ({@link TopicReplicationCheck}).
 */
@AutoConfiguration(afterName = "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration")
@ConditionalOnClass({KafkaAdmin.class, NewTopic.class})
@EnableConfigurationProperties(TopicReplicationProperties.class)
public class TopicReplicationAutoConfiguration {

    @Bean
    TopicReplication topicReplication(TopicReplicationProperties properties) {
        return new TopicReplication(properties);
    }

    @Bean
    @ConditionalOnBean(KafkaAdmin.class)
    ApplicationListener<ApplicationReadyEvent> topicReplicationCheck(KafkaAdmin admin, ObjectProvider<NewTopic> topics,
            TopicReplicationProperties properties) {
        return event -> {
            List<String> names = topics.orderedStream().map(NewTopic::name).distinct().toList();
            TopicReplicationCheck.startInBackground(admin.getConfigurationProperties(), names, properties);
        };
    }
}
