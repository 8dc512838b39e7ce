package io.parley.chat.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The real servers one test JVM shares: each starts on first use, once, on free ports,
 * and stops when the JVM exits. Starting them per test class would cost seconds each.
 */
public final class TestInfrastructure {

    private static EmbeddedMongo mongo;
    private static KafkaBroker kafka;
    private static EmbeddedRedis redis;
    private static TestTokens tokens;

    private TestInfrastructure() {
    }

    public static synchronized EmbeddedMongo mongo() {
        if (mongo == null) {
            mongo = start(EmbeddedMongo::inMemory);
            Runtime.getRuntime().addShutdownHook(new Thread(mongo::close, "mongo-stop"));
        }
        return mongo;
    }

    public static synchronized KafkaBroker kafka() {
        if (kafka == null) {
            kafka = start(() -> KafkaBroker.start(workDir("kafka"), 0, Duration.ofSeconds(90)));
        }
        return kafka;
    }

    public static synchronized EmbeddedRedis redis() {
        if (redis == null) {
            redis = start(() -> EmbeddedRedis.start(0, workDir("redis")));
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
