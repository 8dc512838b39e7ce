package io.parley.chat.kit.kafka;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.ContainerProperties.AssignmentCommitOption;

/**
 * The listener container factory for consumers that every replica runs in a consumer group
 * of its own, from the latest offset ({@link #FACTORY}): the edge's four topics and the
 * membership listener. Such a group commits nothing, so when its replica stops (or is
 * killed, once its session times out) the group is empty with no offsets and the broker
 * deletes it: no group stays behind, and none shows as lag that grows forever.
 */
@AutoConfiguration(afterName = "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration")
@ConditionalOnClass(ConcurrentKafkaListenerContainerFactory.class)
public class EphemeralListenersAutoConfiguration {

    /** The bean name to give {@code @KafkaListener(containerFactory = ...)}. */
    public static final String FACTORY = "ephemeralListenerContainerFactory";

    @Bean(FACTORY)
    @ConditionalOnBean(ConsumerFactory.class)
    ConcurrentKafkaListenerContainerFactory<Object, Object> ephemeralListenerContainerFactory(
            ConcurrentKafkaListenerContainerFactoryConfigurer configurer, ConsumerFactory<Object, Object> consumers) {
        ConcurrentKafkaListenerContainerFactory<Object, Object> factory = new ConcurrentKafkaListenerContainerFactory<>();
        // the service's consumer settings, whatever it says about commits, but never committing and from the end
        Map<String, Object> settings = new HashMap<>(consumers.getConfigurationProperties());
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        configurer.configure(factory, new DefaultKafkaConsumerFactory<>(settings));
        // MANUAL with no listener that acknowledges, and no commit of the position a new assignment starts
        // at (which the container does by default when starting from the latest offset): never an offset
        factory.getContainerProperties().setAckMode(AckMode.MANUAL);
        factory.getContainerProperties().setAssignmentCommitOption(AssignmentCommitOption.NEVER);
        return factory;
    }
}
