package io.parley.chat.edge.messaging;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.stereotype.Component;

/**
 * The edge is ready only once every one of its Kafka consumers holds its partitions with
 * a position fixed. Each consumer reads from "now" (a group of its own, offset reset
 * latest), so an event published before its position was fixed never reaches it: a
 * socket admitted earlier would subscribe, be told it is live, and see nothing until
 * the next message of the conversation exposed the hole. That window is short in steady
 * state but lasts seconds while a fresh Kafka loads its group coordinator.
 *
 * <p>Boot gives every listener container this rebalance listener; the position is asked
 * for in the assignment callback, on the consumer's thread, which resolves the reset to
 * the log end there and then. The readiness group includes this indicator ({@code
 * consumerPositions}).
 */
@Component("consumerPositionsHealthIndicator")
class ConsumerPositions implements ConsumerAwareRebalanceListener, HealthIndicator {

    private final KafkaListenerEndpointRegistry listeners;
    private final Set<String> positioned = ConcurrentHashMap.newKeySet();

    ConsumerPositions(KafkaListenerEndpointRegistry listeners) {
        this.listeners = listeners;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        partitions.forEach(consumer::position);
        if (!partitions.isEmpty()) {
            positioned.add(consumer.groupMetadata().groupId());
        }
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        positioned.remove(consumer.groupMetadata().groupId());
    }

    @Override
    public Health health() {
        int expected = listeners.getListenerContainers().size();
        Health.Builder health = positioned.size() >= expected && expected > 0 ? Health.up() : Health.outOfService();
        return health.withDetail("positioned", positioned.size()).withDetail("consumers", expected).build();
    }
}
