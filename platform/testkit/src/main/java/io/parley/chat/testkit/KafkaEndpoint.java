package io.parley.chat.testkit;

/** A Kafka cluster a test talks to: the embedded KRaft broker or a real one in a container. */
public interface KafkaEndpoint {

    String bootstrapServers();
}
