package io.parley.chat.kit.kafka;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the topics a service declares are replicated: {@code chat.kafka.topics.replication-factor}
 * ({@code CHAT_KAFKA_TOPICS_REPLICATION_FACTOR}) and {@code chat.kafka.topics.min-insync-replicas}
 * ({@code CHAT_KAFKA_TOPICS_MIN_INSYNC_REPLICAS}), both 1 by default (one broker: the local run and
 * the tests). With producers at {@code acks=all}, a write is acknowledged once min-insync-replicas
 * replicas have it. Topics that exist already are not changed; {@link TopicReplicationCheck} warns
 * about those below these values.
 */
@ConfigurationProperties(TopicReplicationProperties.PREFIX)
public record TopicReplicationProperties(
        @DefaultValue("1") int replicationFactor,
        @DefaultValue("1") int minInsyncReplicas) {

    public static final String PREFIX = "chat.kafka.topics";

    public TopicReplicationProperties {
        if (replicationFactor < 1) {
            throw new IllegalArgumentException(PREFIX + ".replication-factor must be at least 1, was " + replicationFactor);
        }
        if (minInsyncReplicas < 1) {
            throw new IllegalArgumentException(PREFIX + ".min-insync-replicas must be at least 1, was " + minInsyncReplicas);
        }
        if (minInsyncReplicas > replicationFactor) {
            throw new IllegalArgumentException(PREFIX + ".min-insync-replicas (" + minInsyncReplicas + ") must not exceed "
                    + PREFIX + ".replication-factor (" + replicationFactor + "): no write with acks=all could succeed");
        }
    }
}
