package io.parley.chat.presence.config;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.resource.Delay;

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

    /**
     * Lettuce's default reconnect backoff grows to 30 s, so after a long outage presence
     * could stay degraded for half a minute after Redis is back. Capped at 1 s, presence is
     * right again well within one heartbeat period (about 20 s, when every edge rewrites its
     * sessions); one attempt per second per replica costs Redis nothing.
     */
    @Bean
    ClientResourcesBuilderCustomizer reconnectWithinASecond() {
        return builder -> builder.reconnectDelay(
                Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS));
    }
}
