package io.parley.chat.presence.config;

import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.lettuce.core.ClientOptions;

@Configuration(proxyBeanMethods = false)
class RedisConfig {

    /**
     * While the connection is down, fail commands at once instead of queueing them until
     * the command timeout: presence answers degraded right away rather than holding
     * every request (and the edge's threads) for the timeout.
     */
    @Bean
    LettuceClientOptionsBuilderCustomizer rejectCommandsWhileDisconnected() {
        return builder -> builder.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
    }
}
