package io.parley.chat.kit.health;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.bson.Document;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

import com.mongodb.reactivestreams.client.MongoClient;

import reactor.core.publisher.Mono;

/**
 * Health checks that work against the real stores and the embedded ones alike.
 *
 * <p>Boot's Mongo indicator sends {@code hello}, which mongo-java-server does not answer,
 * so it would report DOWN against a healthy server; {@code ping} is answered by both.
 * The bean name replaces Boot's indicator. Kafka has no indicator in Boot: this one asks
 * the cluster to describe itself, with a short timeout so a probe never hangs.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.mongodb.autoconfigure.health.MongoReactiveHealthContributorAutoConfiguration",
        afterName = {"org.springframework.boot.mongodb.autoconfigure.MongoReactiveAutoConfiguration",
                "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration"})
public class HealthAutoConfiguration {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MongoClient.class)
    @ConditionalOnBean(MongoClient.class)
    static class Mongo {

        @Bean(name = "mongoHealthContributor")
        ReactiveHealthIndicator mongoHealthContributor(MongoClient client) {
            return () -> Mono.from(client.getDatabase("admin").runCommand(new Document("ping", 1)))
                    .map(reply -> Health.up().build())
                    .timeout(PROBE_TIMEOUT)
                    .onErrorResume(e -> Mono.just(Health.down().withDetail("error", e.getClass().getSimpleName()).build()));
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({KafkaAdmin.class, AdminClient.class})
    @ConditionalOnBean(KafkaAdmin.class)
    static class Kafka {

        @Bean(destroyMethod = "close")
        AdminClient healthAdminClient(KafkaAdmin admin) {
            Map<String, Object> config = new java.util.HashMap<>(admin.getConfigurationProperties());
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) PROBE_TIMEOUT.toMillis());
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) PROBE_TIMEOUT.toMillis());
            config.put(AdminClientConfig.CLIENT_ID_CONFIG, "health-probe");
            return AdminClient.create(config);
        }

        @Bean(name = "kafkaHealthContributor")
        ReactiveHealthIndicator kafkaHealthContributor(AdminClient healthAdminClient) {
            return () -> Mono.fromFuture(() -> healthAdminClient
                            .describeCluster(new DescribeClusterOptions().timeoutMs((int) PROBE_TIMEOUT.toMillis()))
                            .nodes().toCompletionStage().toCompletableFuture())
                    .map(nodes -> Health.up().withDetail("brokers", nodes.size()).build())
                    .timeout(PROBE_TIMEOUT.plusMillis(500))
                    .onErrorResume(e -> Mono.just(Health.down().withDetail("error", e.getClass().getSimpleName()).build()));
        }
    }
}
