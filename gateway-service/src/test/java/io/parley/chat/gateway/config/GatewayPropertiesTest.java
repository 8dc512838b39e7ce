package io.parley.chat.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** The limiter's fallback and the drain start from defaults that work, and a bad value stops startup naming it. */
class GatewayPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(GatewayProperties.class)
    static class Bound {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Bound.class);

    @Test
    void defaults() {
        runner.run(context -> {
            GatewayProperties properties = context.getBean(GatewayProperties.class);
            assertThat(properties.rateLimits().redisTimeout()).isEqualTo(Duration.ofMillis(250));
            assertThat(properties.rateLimits().redisRetryAfter()).isEqualTo(Duration.ofSeconds(5));
            assertThat(properties.rateLimits().localMaxBuckets()).isEqualTo(100_000);
            assertThat(properties.drainGrace()).isEqualTo(Duration.ofSeconds(10));
        });
    }

    /** Spring Boot names a value it cannot convert by its key, one that fails validation by its field path. */
    @ParameterizedTest
    @CsvSource({
            "chat.gateway.rate-limits.redis-timeout=0ms, rateLimits.redisTimeout",
            "chat.gateway.rate-limits.redis-retry-after=0s, rateLimits.redisRetryAfter",
            "chat.gateway.rate-limits.local-max-buckets=0, rateLimits.localMaxBuckets",
            "chat.gateway.drain-grace=-1s, drainGrace",
            "chat.gateway.drain-grace=soon, chat.gateway.drain-grace"})
    void aBadValueStopsStartupNamingTheSetting(String setting, String named) {
        runner.withPropertyValues(setting).run(context -> {
            assertThat(context).hasFailed();
            StringBuilder messages = new StringBuilder();
            for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
            }
            assertThat(messages).contains(named);
        });
    }
}
