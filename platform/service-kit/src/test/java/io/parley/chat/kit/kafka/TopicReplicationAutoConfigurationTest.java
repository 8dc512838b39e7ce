package io.parley.chat.kit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class TopicReplicationAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TopicReplicationAutoConfiguration.class));

    @Test
    void oneReplicaAndOneInSyncByDefault() {
        runner.run(context -> {
            NewTopic topic = context.getBean(TopicReplication.class).topic("t").partitions(4).build();
            assertThat(topic.replicationFactor()).isEqualTo((short) 1);
            assertThat(topic.configs()).containsEntry("min.insync.replicas", "1");
        });
    }

    @Test
    void topicsTakeTheConfiguredReplication() {
        runner.withPropertyValues("chat.kafka.topics.replication-factor=3", "chat.kafka.topics.min-insync-replicas=2")
                .run(context -> {
                    NewTopic topic = context.getBean(TopicReplication.class).topic("t").partitions(4).build();
                    assertThat(topic.replicationFactor()).isEqualTo((short) 3);
                    assertThat(topic.numPartitions()).isEqualTo(4);
                    assertThat(topic.configs()).containsEntry("min.insync.replicas", "2");
                });
    }

    @Test
    void moreInSyncReplicasThanReplicasStopsStartupNamingBothSettings() {
        runner.withPropertyValues("chat.kafka.topics.replication-factor=2", "chat.kafka.topics.min-insync-replicas=3")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("chat.kafka.topics.min-insync-replicas (3)")
                        .hasMessageContaining("chat.kafka.topics.replication-factor (2)"));
    }

    @Test
    void noReplicasStopsStartupNamingTheSetting() {
        runner.withPropertyValues("chat.kafka.topics.replication-factor=0")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("chat.kafka.topics.replication-factor must be at least 1"));
    }

    @Test
    void aValueThatIsNoNumberStopsStartupNamingTheSetting() {
        runner.withPropertyValues("chat.kafka.topics.min-insync-replicas=two")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("chat.kafka.topics"));
    }
}
