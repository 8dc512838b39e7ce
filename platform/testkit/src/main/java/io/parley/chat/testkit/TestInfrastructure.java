package io.parley.chat.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The real servers one test JVM shares: each starts on first use, once, on free ports,
 * and stops when the JVM exits. Starting them per test class would cost seconds each.
 *
 * <p>By default they are the embedded ones (no Docker needed). With the system property
 * {@code parley.test.infrastructure=containers} (the {@code docker} Maven profile, active
 * where a Docker socket exists) the same tests run against the production images.
 */
public final class TestInfrastructure {

    public static final String MODE_PROPERTY = "parley.test.infrastructure";

    private static MongoEndpoint mongo;
    private static KafkaEndpoint kafka;
    private static RedisEndpoint redis;
    private static TestTokens tokens;

    private TestInfrastructure() {
    }

    /** True when this JVM's tests run against container images instead of embedded servers. */
    public static boolean containers() {
        return "containers".equals(System.getProperty(MODE_PROPERTY));
    }

    public static synchronized MongoEndpoint mongo() {
        if (mongo == null) {
            if (containers()) {
                mongo = ContainerInfrastructure.mongo();
            } else {
                EmbeddedMongo embedded = start(EmbeddedMongo::inMemory);
                Runtime.getRuntime().addShutdownHook(new Thread(embedded::close, "mongo-stop"));
                mongo = embedded;
            }
        }
        return mongo;
    }

    public static synchronized KafkaEndpoint kafka() {
        if (kafka == null) {
            kafka = containers() ? ContainerInfrastructure.kafka()
                    : start(() -> KafkaBroker.start(workDir("kafka"), 0, Duration.ofSeconds(90)));
        }
        return kafka;
    }

    public static synchronized RedisEndpoint redis() {
        if (redis == null) {
            redis = containers() ? ContainerInfrastructure.redis() : start(() -> EmbeddedRedis.start(0, workDir("redis")));
        }
        return redis;
    }

    public static synchronized TestTokens tokens() {
        if (tokens == null) {
            tokens = start(TestTokens::start);
        }
        return tokens;
    }

    private static Path workDir(String name) throws IOException {
        return Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "it-" + name + "-");
    }

    private interface Starter<T> {
        T start() throws IOException;
    }

    private static <T> T start(Starter<T> starter) {
        try {
            return starter.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
