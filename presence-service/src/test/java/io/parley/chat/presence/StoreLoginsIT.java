package io.parley.chat.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.parley.chat.contracts.events.ConversationEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.testkit.EmbeddedRedis;
import io.parley.chat.testkit.KafkaBroker;
import io.parley.chat.testkit.TestInfrastructure;

/**
 * presence-service as k8s/overlays/prod runs it: logged in to a Kafka broker that takes only
 * SCRAM logins and authorizes with ACLs, holding exactly the ACLs of k8s/overlays/prod/kafka/acls.txt,
 * and to a Redis as an ACL user with exactly the rules of k8s/overlays/prod/redis/acls.txt. It
 * creates its topic, checks its replication, publishes presence, reads conversation events and
 * keeps its Redis state with nothing refused; it can do nothing else; and it logs no password.
 * presence-service is the one service that uses both stores; deploy-tests check the other
 * services' ACLs against their code.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"chat.presence.session-ttl=3s", "chat.presence.sweep-interval=250ms"})
@ExtendWith(OutputCaptureExtension.class)
class StoreLoginsIT extends ServiceCalls {

    private static final String SERVICE = "presence-service";
    private static final Path PROD = Path.of("..", "k8s", "overlays", "prod");

    /** The two stores, set up as the prod Jobs set them up, once per JVM. */
    static final class Stores {
        static final String KAFKA_PASSWORD = password();
        static final String REDIS_PASSWORD = password();
        static final KafkaBroker KAFKA = startKafka();
        static final EmbeddedRedis REDIS = startRedis();
    }

    /**
     * The settings k8s/overlays/prod gives through SPRING_* variables (parley-endpoints,
     * credentials/presence-service.yaml), with SASL_PLAINTEXT instead of SASL_SSL (the test broker
     * has no certificate).
     */
    @DynamicPropertySource
    static void stores(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", Stores.KAFKA::bootstrapServers);
        registry.add("spring.kafka.security.protocol", () -> "SASL_PLAINTEXT");
        registry.add("spring.kafka.properties.sasl.mechanism", () -> "SCRAM-SHA-512");
        registry.add("spring.kafka.properties.sasl.jaas.config", () -> KafkaBroker.scramLogin(SERVICE, Stores.KAFKA_PASSWORD));
        registry.add("spring.data.redis.host", Stores.REDIS::host);
        registry.add("spring.data.redis.port", Stores.REDIS::port);
        registry.add("spring.data.redis.username", () -> SERVICE);
        registry.add("spring.data.redis.password", () -> Stores.REDIS_PASSWORD);
        registry.add("chat.security.jwks-uri", () -> TestInfrastructure.tokens().jwksUri());
        registry.add("chat.presence.conversation-service-url", conversations::url);
        registry.add("chat.directory.auth-service-url", () -> TestInfrastructure.tokens().baseUrl());
    }

    @Test
    void createsItsTopicAndChecksItsReplicationAsItsOwnKafkaUserAndLogsNoPassword(CapturedOutput output) throws Exception {
        try (Admin admin = Admin.create(Stores.KAFKA.adminConfig())) {
            assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).as("created at startup with its Create ACL")
                    .contains(Topics.PRESENCE);
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(output.getAll())
                .as("TopicReplicationCheck could describe the topic and its configs")
                .contains("Kafka topics [" + Topics.PRESENCE + "] have at least 1 replica(s)"));
        assertThat(output.getAll()).doesNotContain(Stores.KAFKA_PASSWORD).doesNotContain(Stores.REDIS_PASSWORD);
    }

    @Test
    void publishesPresenceAndKeepsItsStateInRedisWithNothingRefused() {
        Member alice = member("alice");
        String token = alice.token();
        try (RedisClient client = RedisClient.create(RedisURI.create(Stores.REDIS.host(), Stores.REDIS.port()));
                StatefulRedisConnection<String, String> admin = client.connect()) {
            admin.sync().aclLogReset(); // another test's refused commands, made on purpose
        }
        try (KafkaConsumer<String, String> consumer = adminConsumer(Topics.PRESENCE)) {
            connect(token, "s1").expectStatus().isNoContent();
            presence(token, alice.user()).expectStatus().isOk().expectBody().jsonPath("$[0].status").isEqualTo("online");
            typing(token, Map.of("conversationId", alice.conversation())).expectStatus().isAccepted()
                    .expectBody().jsonPath("$.relayed").isEqualTo(true);
            assertThat(valuesUntil(consumer, alice.tenant(), 2)).as("online and typing, published as presence-service")
                    .hasSize(2);
            // the session lapses without a goodbye: the sweep's script announces it offline
            Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    presence(token, alice.user()).expectStatus().isOk().expectBody().jsonPath("$[0].status").isEqualTo("offline"));
        }
        try (RedisClient client = RedisClient.create(RedisURI.create(Stores.REDIS.host(), Stores.REDIS.port()));
                StatefulRedisConnection<String, String> admin = client.connect()) {
            assertThat(admin.sync().clientList()).as("the service's connections").contains("user=" + SERVICE);
            List<Object> refusals = new ArrayList<>();
            for (Object entry : admin.sync().aclLog()) {
                if (entry.toString().contains(SERVICE)) {
                    refusals.add(entry);
                }
            }
            assertThat(refusals).as("commands or keys Redis refused presence-service (ACL LOG)").isEmpty();
        }
    }

    @Test
    void readsConversationEventsAsItsOwnKafkaUser() throws Exception {
        Member bob = member("bob");
        Map<String, String> typingThere = Map.of("conversationId", bob.conversation());
        typing(bob.token(), typingThere).expectStatus().isAccepted(); // the answer is cached now
        conversations.removeMember(bob.tenant(), bob.conversation(), bob.user());
        String removal = json.writeValueAsString(new ConversationEvent(UUID.randomUUID().toString(),
                ConversationEvent.Type.MemberRemoved, bob.tenant(), bob.conversation(), List.of(bob.user()), null, Instant.now()));
        try (KafkaProducer<String, String> producer = producer(Stores.KAFKA.adminConfig())) {
            // until the membership consumer has its partitions: it starts from the latest offset
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                producer.send(new ProducerRecord<>(Topics.CONVERSATIONS, bob.conversation(), removal)).get(5, TimeUnit.SECONDS);
                typing(bob.token(), typingThere).expectStatus().isForbidden();
            });
        }
    }

    @Test
    void mayNeitherWriteAnotherServicesTopicNorTouchAnotherServicesKeys() {
        Map<String, Object> asPresence = new HashMap<>(Stores.KAFKA.adminConfig());
        asPresence.put("sasl.jaas.config", KafkaBroker.scramLogin(SERVICE, Stores.KAFKA_PASSWORD));
        try (KafkaProducer<String, String> producer = producer(asPresence)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.MESSAGES, "c", "{\"forged\":true}"))
                    .get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        RedisURI uri = RedisURI.builder().withHost(Stores.REDIS.host()).withPort(Stores.REDIS.port())
                .withAuthentication(SERVICE, Stores.REDIS_PASSWORD).build();
        try (RedisClient client = RedisClient.create(uri); StatefulRedisConnection<String, String> redis = client.connect()) {
            assertThatThrownBy(() -> redis.sync().get("gateway:rate:someone")).isInstanceOf(RedisCommandExecutionException.class)
                    .hasMessageContaining("NOPERM");
            assertThatThrownBy(() -> redis.sync().flushall()).hasMessageContaining("NOPERM");
            assertThatThrownBy(() -> redis.sync().keys("*")).hasMessageContaining("NOPERM");
        }
    }

    private static List<String> valuesUntil(KafkaConsumer<String, String> consumer, String key, int count) {
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (values.size() < count && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(250))) {
                if (key.equals(record.key())) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }

    private static KafkaConsumer<String, String> adminConsumer(String topic) {
        Map<String, Object> config = new HashMap<>(Stores.KAFKA.adminConfig());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> login) {
        Map<String, Object> config = new HashMap<>(login);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    /**
     * The SCRAM broker with presence-service's user and its lines of kafka/acls.txt, as the Job
     * parley-kafka-users gives them, and the topics of the other services it reads and must not write.
     */
    private static KafkaBroker startKafka() {
        try {
            KafkaBroker broker = KafkaBroker.startWithScram(Files.createTempDirectory(Path.of("target"), "it-scram-kafka-"),
                    password(), Duration.ofSeconds(90));
            try (Admin admin = Admin.create(broker.adminConfig())) {
                admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(SERVICE,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), Stores.KAFKA_PASSWORD))).all()
                        .get(30, TimeUnit.SECONDS);
                admin.createAcls(declaredAcls()).all().get(30, TimeUnit.SECONDS);
                admin.createTopics(List.of(new NewTopic(Topics.CONVERSATIONS, 4, (short) 1), new NewTopic(Topics.MESSAGES, 4, (short) 1)))
                        .all().get(30, TimeUnit.SECONDS);
            }
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("Setting up the SCRAM broker failed", e);
        }
    }

    /** presence-service's lines of kafka/acls.txt: service operation resource pattern name. */
    private static List<AclBinding> declaredAcls() throws IOException {
        List<AclBinding> acls = new ArrayList<>();
        for (String line : Files.readAllLines(PROD.resolve("kafka/acls.txt"))) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 5 && f[0].equals(SERVICE)) {
                AclOperation operation = AclOperation.valueOf(f[1].replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase());
                acls.add(new AclBinding(new ResourcePattern(ResourceType.valueOf(f[2].toUpperCase()), f[4],
                        PatternType.valueOf(f[3].toUpperCase())),
                        new AccessControlEntry("User:" + SERVICE, "*", operation, AclPermissionType.ALLOW)));
            }
        }
        assertThat(acls).as("presence-service's ACLs in kafka/acls.txt").isNotEmpty();
        return acls;
    }

    /** A Redis whose presence-service user has exactly its rules of redis/acls.txt, set as the Job parley-redis-users sets them. */
    private static EmbeddedRedis startRedis() {
        try {
            EmbeddedRedis redis = EmbeddedRedis.start(0, Files.createTempDirectory(Path.of("target"), "it-acl-redis-"));
            String rules = Files.readAllLines(PROD.resolve("redis/acls.txt")).stream().map(String::strip)
                    .filter(l -> l.startsWith(SERVICE + " ")).findFirst().orElseThrow()
                    .substring(SERVICE.length()).strip();
            CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8).add("SETUSER").add(SERVICE).add("reset")
                    .add("on").add(">" + Stores.REDIS_PASSWORD);
            for (String rule : rules.split("\\s+")) {
                args.add(rule);
            }
            try (RedisClient client = RedisClient.create(RedisURI.create(redis.host(), redis.port()));
                    StatefulRedisConnection<String, String> admin = client.connect()) {
                assertThat(admin.sync().dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8), args)).isEqualTo("OK");
            }
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String password() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
