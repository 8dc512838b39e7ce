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
 * {@code chat.membership.conversation-service-url}, whose cached answers are dropped when a
 * member is removed or a role changes: by the events of {@link ConversationEvents} (set
 * {@code chat.conversation-events.uri}: conversation-service's stored list, and the topic
 * where the service consumes Kafka), or from the topic alone without it.
 */
@AutoConfiguration(after = {EventReaderAutoConfiguration.class, ConversationEventsAutoConfiguration.class},
        afterName = "org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration")
@ConditionalOnProperty(prefix = "chat.membership", name = "conversation-service-url")
@EnableConfigurationProperties(MembershipProperties.class)
public class MembershipAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    MembershipClient membershipClient(ObjectProvider<WebClient.Builder> builder, MembershipProperties properties,
                                      ObjectProvider<ConversationEvents> conversationEvents) {
        MembershipClient membership = new MembershipClient(builder.getIfAvailable(WebClient::builder), properties);
        conversationEvents.ifAvailable(events -> events.onEvent(membership::forget));
        return membership;
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(KafkaListener.class)
    @ConditionalOnBean(EventReader.class)
    static class Invalidation {

        @Bean
        MembershipEventListener membershipEventListener(MembershipClient membership,
                                                        ObjectProvider<ConversationEvents> conversationEvents,
                                                        EventReader events) {
            ConversationEvents both = conversationEvents.getIfAvailable();
            return new MembershipEventListener(both == null ? membership::forget : both::accept, events);
        }
    }
}
