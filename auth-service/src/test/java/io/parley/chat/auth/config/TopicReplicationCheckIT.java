package io.parley.chat.auth.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import io.parley.chat.kit.kafka.TopicReplicationCheck;
import io.parley.chat.kit.kafka.TopicReplicationProperties;
import io.parley.chat.testkit.TestInfrastructure;

/**
 * service-kit's startup check of existing topics against chat.kafka.topics, on the real test
 * broker (one broker: a topic there has one replica, so asking for two shows the warning).
 */
class TopicReplicationCheckIT {

    private static Map<String, Object> admin() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers());
    }

    private static String existingTopic() throws Exception {
        String name = "replication-check-" + UUID.randomUUID();
        try (Admin admin = Admin.create(admin())) {
            admin.createTopics(List.of(new NewTopic(name, 2, (short) 1)
                    .configs(Map.of("min.insync.replicas", "1")))).all().get(30, TimeUnit.SECONDS);
        }
        return name;
    }

    @Test
    void aTopicWithTheConfiguredReplicationIsFine() throws Exception {
        String topic = existingTopic();
        assertThat(TopicReplicationCheck.findings(admin(), Set.of(topic), new TopicReplicationProperties(1, 1),
                Duration.ofSeconds(20))).isEmpty();
    }

    @Test
    void anExistingTopicBelowTheConfiguredReplicationIsOneFindingPerSetting() throws Exception {
        String topic = existingTopic();
        List<String> findings = TopicReplicationCheck.findings(admin(), Set.of(topic), new TopicReplicationProperties(2, 2),
                Duration.ofSeconds(20));
        assertThat(findings).hasSize(2);
        assertThat(findings.get(0)).contains(topic, "1 replica(s)", "chat.kafka.topics.replication-factor=2");
        assertThat(findings.get(1)).contains(topic, "min.insync.replicas=1", "chat.kafka.topics.min-insync-replicas=2");
    }

    @Test
    void aKafkaThatCannotBeAskedIsOneFindingNotAFailure() {
        long started = System.nanoTime();
        List<String> findings = TopicReplicationCheck.findings(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1"), Set.of("chat.sessions.v1"),
                new TopicReplicationProperties(3, 2), Duration.ofSeconds(3));
        assertThat(findings).singleElement().asString().startsWith("Could not check the replication of Kafka topics");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    }
}
