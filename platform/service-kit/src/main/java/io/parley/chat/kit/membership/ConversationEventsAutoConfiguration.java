package io.parley.chat.kit.membership;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

/** {@link ConversationEvents} for every service that sets {@code chat.conversation-events.uri}. */
@AutoConfiguration(afterName = "org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration")
@ConditionalOnProperty(prefix = "chat.conversation-events", name = "uri")
@EnableConfigurationProperties(ConversationEventsProperties.class)
public class ConversationEventsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ConversationEvents conversationEvents(ObjectProvider<WebClient.Builder> builder,
                                          ConversationEventsProperties properties, ObjectProvider<MeterRegistry> metrics) {
        // a full page of the list is larger than the services' 64 KB default for a body held in memory
        WebClient client = builder.getIfAvailable(WebClient::builder)
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(ConversationEvents.MAX_PAGE_BYTES)).build();
        return new ConversationEvents(client, properties.uri(), properties.pollEvery(), properties.remember(),
                metrics.getIfAvailable(CompositeMeterRegistry::new));
    }
}
