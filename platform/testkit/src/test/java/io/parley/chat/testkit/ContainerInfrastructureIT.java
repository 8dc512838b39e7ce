package io.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;

import com.mongodb.client.MongoClients;

/** The production images behind the container mode; skipped where there is no Docker engine. */
@Tag("docker")
@Testcontainers(disabledWithoutDocker = true)
class ContainerInfrastructureIT {

    @Test
    void mongoReplicaSetAcceptsMajorityWrites() {
        MongoEndpoint mongo = ContainerInfrastructure.mongo();
        try (var client = MongoClients.create(mongo.uri("t") + "&w=majority")) {
            client.getDatabase("t").getCollection("c").insertOne(new Document("_id", "a"));
            assertThat(client.getDatabase("t").getCollection("c").countDocuments()).isEqualTo(1);
        }
    }

    @Test
    void kafkaRoundTripsARecord() throws Exception {
        String bootstrap = ContainerInfrastructure.kafka().bootstrapServers();
        try (var producer = new KafkaProducer<String, String>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new StringSerializer());
             var consumer = new KafkaConsumer<String, String>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                     ConsumerConfig.GROUP_ID_CONFIG, "it", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                     new StringDeserializer(), new StringDeserializer())) {
            producer.send(new ProducerRecord<>("it.roundtrip", "k", "hello")).get(30, TimeUnit.SECONDS);
            consumer.subscribe(List.of("it.roundtrip"));
            String seen = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen == null && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    seen = record.value();
                }
            }
            assertThat(seen).isEqualTo("hello");
        }
    }

    @Test
    void redisAnswersAndComesBackAfterAPause() throws Exception {
        RedisEndpoint redis = ContainerInfrastructure.redis();
        redis.stop();
        redis.restart();
        try (var socket = new java.net.Socket(redis.host(), redis.port())) {
            socket.getOutputStream().write("PING\r\n".getBytes());
            byte[] reply = new byte[7];
            int n = socket.getInputStream().read(reply);
            assertThat(new String(reply, 0, n)).isEqualTo("+PONG\r\n");
        }
    }
}
