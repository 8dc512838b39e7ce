package io.parley.chat.testkit;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.mongodb.MongoDBContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The production images, where a Docker engine exists: MongoDB as a one-node replica
 * set (so write concern majority means what it says), Apache Kafka in KRaft mode, and
 * Redis. Each starts on first use and lives as long as the test JVM (Ryuk removes it).
 */
final class ContainerInfrastructure {

    static final String MONGO_IMAGE = "mongo:7.0";
    static final String KAFKA_IMAGE = "apache/kafka:4.1.0";
    static final String REDIS_IMAGE = "redis:7.2-alpine";

    private ContainerInfrastructure() {
    }

    static MongoEndpoint mongo() {
        MongoDBContainer mongo = new MongoDBContainer(DockerImageName.parse(MONGO_IMAGE));
        mongo.start();
        return database -> mongo.getReplicaSetUrl(database);
    }

    static KafkaEndpoint kafka() {
        KafkaContainer kafka = new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE));
        kafka.start();
        return kafka::getBootstrapServers;
    }

    @SuppressWarnings("resource")
    static RedisEndpoint redis() {
        GenericContainer<?> redis = new GenericContainer<>(DockerImageName.parse(REDIS_IMAGE)).withExposedPorts(6379);
        redis.start();
        return new RedisEndpoint() {
            @Override
            public String host() {
                return redis.getHost();
            }

            @Override
            public int port() {
                return redis.getMappedPort(6379);
            }

            /** Pausing keeps the mapped port, so the service under test finds Redis where it was. */
            @Override
            public void stop() {
                redis.getDockerClient().pauseContainerCmd(redis.getContainerId()).exec();
            }

            @Override
            public void restart() {
                redis.getDockerClient().unpauseContainerCmd(redis.getContainerId()).exec();
            }
        };
    }
}
