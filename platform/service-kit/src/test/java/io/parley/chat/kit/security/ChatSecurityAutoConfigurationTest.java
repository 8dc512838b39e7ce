package io.parley.chat.kit.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import reactor.core.publisher.Mono;

class ChatSecurityAutoConfigurationTest {

    private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ChatSecurityAutoConfiguration.class))
            .withPropertyValues("chat.security.jwks-uri=http://127.0.0.1:1/jwks.json");

    @Test
    void verifiesWithTimedJwksKeysAndTheirDefaults() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(JwksKeys.class);
            // CachingJwtDecoder inside the refusal of ended logins
            assertThat(context).hasSingleBean(ReactiveJwtDecoder.class).hasSingleBean(RevokedSessions.class);
            assertThat(context.getBean(ChatSecurityProperties.class).revocations())
                    .isEqualTo(new ChatSecurityProperties.Revocations(null, Duration.ofSeconds(2), Duration.ofMinutes(30)));
            assertThat(context.getBean(ChatSecurityProperties.class).jwks())
                    .isEqualTo(new ChatSecurityProperties.Jwks(Duration.ofMinutes(5), Duration.ofSeconds(30),
                            Duration.ofHours(1)));
        });
    }

    @Test
    void aServiceWithADecoderOfItsOwnGetsNoJwksKeys() {
        runner.withBean(ReactiveJwtDecoder.class, () -> token -> Mono.empty())
                .run(context -> assertThat(context).doesNotHaveBean(JwksKeys.class).hasSingleBean(ReactiveJwtDecoder.class));
    }

    @Test
    void badIntervalsFailStartupNamingTheSetting() {
        runner.withPropertyValues("chat.security.jwks.unknown-kid-gap=10m")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("chat.security.jwks.unknown-kid-gap must not be longer than chat.security.jwks.refresh-every"));
        runner.withPropertyValues("chat.security.jwks.max-stale=1m")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("chat.security.jwks.max-stale must be longer"));
        runner.withPropertyValues("chat.security.jwks.refresh-every=0s")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("jwks.refreshEvery"));
    }
}
