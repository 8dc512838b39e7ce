package io.parley.chat.kit.kafka;

import org.apache.kafka.common.config.TopicConfig;
import org.springframework.kafka.config.TopicBuilder;

/** Starts every topic a service declares with the configured replication ({@link TopicReplicationProperties}). */
public final class TopicReplication {

    private final TopicReplicationProperties properties;

    public TopicReplication(TopicReplicationProperties properties) {
        this.properties = properties;
    }

    /** A builder for the topic with the replication factor and min.insync.replicas set; add partitions and retention. */
    public TopicBuilder topic(String name) {
        return TopicBuilder.name(name)
                .replicas(properties.replicationFactor())
                .config(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(properties.minInsyncReplicas()));
    }

    public TopicReplicationProperties properties() {
        return properties;
    }
}
