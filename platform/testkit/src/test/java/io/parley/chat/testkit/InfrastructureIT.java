package io.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.MongoClients;

class InfrastructureIT {

    @Test
    void kafkaBrokerRoundTripsARecord() throws Exception {
        String bootstrap = TestInfrastructure.kafka().bootstrapServers();
        try (var producer = new KafkaProducer<String, String>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
             var consumer = new KafkaConsumer<String, String>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                     ConsumerConfig.GROUP_ID_CONFIG, "it", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                     new StringDeserializer(), new StringDeserializer())) {
            producer.send(new ProducerRecord<>("it.roundtrip", "k", "hello")).get(30, TimeUnit.SECONDS);
            consumer.subscribe(List.of("it.roundtrip"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            String seen = null;
            while (seen == null && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    seen = record.value();
                }
            }
            assertThat(seen).isEqualTo("hello");
        }
    }

    @Test
    void mongoOnDiskKeepsDataAcrossRestart(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mongo.mv");
        try (EmbeddedMongo mongo = EmbeddedMongo.onDisk(file, 0); var client = MongoClients.create(mongo.uri("t"))) {
            client.getDatabase("t").getCollection("c").insertOne(new Document("_id", "a").append("v", 1));
        }
        try (EmbeddedMongo mongo = EmbeddedMongo.onDisk(file, 0); var client = MongoClients.create(mongo.uri("t"))) {
            assertThat(client.getDatabase("t").getCollection("c").find(new Document("_id", "a")).first())
                    .containsEntry("v", 1);
        }
    }

    @Test
    void redisServerAnswers() throws Exception {
        RedisEndpoint redis = TestInfrastructure.redis();
        try (var socket = new java.net.Socket(redis.host(), redis.port())) {
            socket.getOutputStream().write("PING\r\n".getBytes());
            byte[] reply = new byte[7];
            int n = socket.getInputStream().read(reply);
            assertThat(new String(reply, 0, n)).isEqualTo("+PONG\r\n");
        }
    }
}
