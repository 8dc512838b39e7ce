package io.parley.chat.kit.directory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;

/** A {@link UserDirectory} for every service that sets {@code chat.directory.auth-service-url}. */
@AutoConfiguration(afterName = "org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration")
@ConditionalOnProperty(prefix = "chat.directory", name = "auth-service-url")
@EnableConfigurationProperties(DirectoryProperties.class)
public class DirectoryAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    UserDirectory userDirectory(ObjectProvider<WebClient.Builder> builder, DirectoryProperties properties) {
        return new UserDirectory(builder.getIfAvailable(WebClient::builder), properties);
    }
}
