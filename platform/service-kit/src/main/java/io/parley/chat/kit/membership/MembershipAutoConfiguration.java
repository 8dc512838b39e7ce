package io.parley.chat.kit.membership;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.web.reactive.function.client.WebClient;

import io.parley.chat.kit.events.EventReader;
import io.parley.chat.kit.events.EventReaderAutoConfiguration;

/**
 * A {@link MembershipClient} for every service that sets
 * {@code chat.membership.conversation-service-url}, and, where the service consumes Kafka,
 * the listener that drops cached answers when a member is removed.
 */
@AutoConfiguration(after = EventReaderAutoConfiguration.class,
        afterName = "org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration")
@ConditionalOnProperty(prefix = "chat.membership", name = "conversation-service-url")
@EnableConfigurationProperties(MembershipProperties.class)
public class MembershipAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    MembershipClient membershipClient(ObjectProvider<WebClient.Builder> builder, MembershipProperties properties) {
        return new MembershipClient(builder.getIfAvailable(WebClient::builder), properties);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(KafkaListener.class)
    @ConditionalOnBean(EventReader.class)
    static class Invalidation {

        @Bean
        MembershipEventListener membershipEventListener(MembershipClient membership, EventReader events) {
            return new MembershipEventListener(membership, events);
        }
    }
}
