package io.parley.chat.kit.stores;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The store credentials a deployment gives through the environment, as k8s/overlays/prod sets
 * them, reach every Kafka client and the Redis login through Spring Boot's own properties; a
 * half-given configuration stops startup naming the setting, and never shows a password.
 */
class StoreCredentialsAutoConfigurationTest {

    private static final String PASSWORD = "s3cret-Pa55word";
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"message-service\" password=\"" + PASSWORD + "\";";

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({KafkaProperties.class, DataRedisProperties.class})
    static class BootProperties {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(StoreCredentialsAutoConfiguration.class))
            .withUserConfiguration(BootProperties.class);

    /**
     * The variables as a container gets them: relaxed binding, including the dotted Kafka keys of
     * spring.kafka.properties (Boot maps a source by its name, which must end in systemEnvironment).
     */
    private ApplicationContextRunner environment(Map<String, Object> variables) {
        return runner.withInitializer(context -> context.getEnvironment().getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource("container-systemEnvironment", variables)));
    }

    @Test
    void theLocalRunGivesNoCredentialsAndStartsAsBefore() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(KafkaProperties.class).buildProducerProperties()).doesNotContainKey("sasl.jaas.config");
        });
    }

    @Test
    void saslSettingsFromTheEnvironmentReachTheAdminProducerAndConsumer() {
        environment(Map.of("SPRING_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "SPRING_KAFKA_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-512",
                "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", JAAS)).run(context -> {
                    assertThat(context).hasNotFailed();
                    KafkaProperties kafka = context.getBean(KafkaProperties.class);
                    for (Map<String, Object> client : java.util.List.of(kafka.buildAdminProperties(),
                            kafka.buildProducerProperties(), kafka.buildConsumerProperties())) {
                        assertThat(client).containsEntry("security.protocol", "SASL_SSL")
                                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                                .containsEntry("sasl.jaas.config", JAAS);
                    }
                });
    }

    @Test
    void saslWithoutALoginStopsStartupNamingTheJaasSetting() {
        environment(Map.of("SPRING_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "SPRING_KAFKA_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-512"))
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("spring.kafka.properties[sasl.jaas.config]")
                        .hasMessageContaining("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG"));
    }

    @Test
    void saslWithoutAMechanismStopsStartupRatherThanTryingKerberos() {
        environment(Map.of("SPRING_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", JAAS))
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("spring.kafka.properties[sasl.mechanism]")
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PASSWORD)));
    }

    @Test
    void aLoginWithoutSaslStopsStartupBecauseItWouldNeverBeSent() {
        environment(Map.of("SPRING_KAFKA_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-512", "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", JAAS))
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("spring.kafka.security.protocol")
                        .hasMessageContaining("PLAINTEXT")
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PASSWORD)));
    }

    @Test
    void aMalformedJaasLineStopsStartupWithoutShowingIt() {
        environment(Map.of("SPRING_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "SPRING_KAFKA_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-512",
                "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", JAAS.replace(";", "")))
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("is not one JAAS login module line")
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PASSWORD)));
    }

    @Test
    void aScramLoginWithAnEmptyPasswordStopsStartup() {
        environment(Map.of("SPRING_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "SPRING_KAFKA_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-512",
                "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", JAAS.replace(PASSWORD, "")))
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("gives no non-empty password option"));
    }

    @Test
    void anUnknownProtocolStopsStartupNamingTheSetting() {
        runner.withPropertyValues("spring.kafka.security.protocol=SASL_TLS")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("spring.kafka.security.protocol (SPRING_KAFKA_SECURITY_PROTOCOL)")
                        .hasMessageContaining("SASL_TLS"));
    }

    @Test
    void aRedisAclUserFromTheEnvironmentLogsInWithItsPassword() {
        environment(Map.of("SPRING_DATA_REDIS_USERNAME", "presence-service", "SPRING_DATA_REDIS_PASSWORD", PASSWORD))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    DataRedisProperties redis = context.getBean(DataRedisProperties.class);
                    assertThat(redis.getUsername()).isEqualTo("presence-service");
                    assertThat(redis.getPassword()).isEqualTo(PASSWORD);
                });
    }

    @Test
    void aRedisUsernameWithoutAPasswordStopsStartupNamingBothSettings() {
        environment(Map.of("SPRING_DATA_REDIS_USERNAME", "presence-service"))
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("spring.data.redis.username (SPRING_DATA_REDIS_USERNAME)")
                        .hasMessageContaining("spring.data.redis.password (SPRING_DATA_REDIS_PASSWORD)"));
    }
}
