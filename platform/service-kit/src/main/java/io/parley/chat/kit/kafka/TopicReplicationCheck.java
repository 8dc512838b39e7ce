package io.parley.chat.kit.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After startup, compares the topics a service declares with the configured replication: a
 * topic that existed before (Spring's KafkaAdmin leaves existing topics as they are) may have
 * fewer replicas or a lower min.insync.replicas than {@link TopicReplicationProperties} asks for.
 * Each such topic is one warning; a Kafka that cannot be asked is one warning too. Never fails
 * and never holds startup back: it runs on a thread of its own with a bound.
 */
public final class TopicReplicationCheck {

    private static final Logger log = LoggerFactory.getLogger(TopicReplicationCheck.class);
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    private TopicReplicationCheck() {
    }

    /** Runs {@link #findings} on a daemon thread and logs each as a warning. */
    static void startInBackground(Map<String, Object> adminConfig, Collection<String> topics, TopicReplicationProperties wanted) {
        if (topics.isEmpty()) {
            return;
        }
        Thread thread = new Thread(() -> {
            try {
                List<String> findings = findings(adminConfig, topics, wanted, TIMEOUT);
                if (findings.isEmpty()) {
                    log.info("Kafka topics {} have at least {} replica(s) and min.insync.replicas of at least {} ({})", topics,
                            wanted.replicationFactor(), wanted.minInsyncReplicas(), TopicReplicationProperties.PREFIX);
                }
                findings.forEach(log::warn);
            } catch (RuntimeException e) {
                log.warn("Could not check the replication of Kafka topics {}: {}", topics, e.toString());
            }
        }, "kafka-topic-replication-check");
        thread.setDaemon(true);
        thread.start();
    }

    /** What is below the configured replication, one line per topic and setting; empty when all is as configured. */
    public static List<String> findings(Map<String, Object> adminConfig, Collection<String> topics,
            TopicReplicationProperties wanted, Duration timeout) {
        Map<String, Object> config = new java.util.HashMap<>(adminConfig);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis() / 2);
        try (Admin admin = Admin.create(config)) {
            return findings(admin, topics, wanted, timeout);
        }
    }

    static List<String> findings(Admin admin, Collection<String> topics, TopicReplicationProperties wanted,
            Duration timeout) {
        List<String> findings = new ArrayList<>();
        Map<String, TopicDescription> descriptions;
        Map<ConfigResource, Config> configs;
        try {
            descriptions = admin.describeTopics(topics).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<ConfigResource> resources = topics.stream()
                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
            configs = admin.describeConfigs(resources).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of("Could not check the replication of Kafka topics " + topics + ": interrupted");
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            return List.of("Could not check the replication of Kafka topics " + topics + " against "
                    + TopicReplicationProperties.PREFIX + " (" + cause.getClass().getSimpleName() + ": "
                    + cause.getMessage() + "); they are used as they are");
        }
        for (String topic : topics) {
            TopicDescription description = descriptions.get(topic);
            if (description == null) {
                continue;
            }
            int replicas = description.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
            if (replicas < wanted.replicationFactor()) {
                String perPartition = description.partitions().stream()
                        .filter(p -> p.replicas().size() < wanted.replicationFactor())
                        .map(p -> String.valueOf(p.partition())).collect(Collectors.joining(","));
                findings.add("Kafka topic " + topic + " has " + replicas + " replica(s) (partitions " + perPartition
                        + "), below " + TopicReplicationProperties.PREFIX + ".replication-factor=" + wanted.replicationFactor()
                        + "; an existing topic is not changed at startup: reassign its partitions (kafka-reassign-partitions.sh)");
            }
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic));
            ConfigEntry entry = config == null ? null : config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
            if (entry != null && entry.value() != null) {
                int minIsr = Integer.parseInt(entry.value());
                if (minIsr < wanted.minInsyncReplicas()) {
                    findings.add("Kafka topic " + topic + " has min.insync.replicas=" + minIsr + ", below "
                            + TopicReplicationProperties.PREFIX + ".min-insync-replicas=" + wanted.minInsyncReplicas()
                            + "; an existing topic is not changed at startup: kafka-configs.sh --alter --entity-type topics"
                            + " --entity-name " + topic + " --add-config min.insync.replicas=" + wanted.minInsyncReplicas());
                }
            }
        }
        return findings;
    }
}
