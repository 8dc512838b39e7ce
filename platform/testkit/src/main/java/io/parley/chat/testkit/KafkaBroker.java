package io.parley.chat.testkit;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real Apache Kafka broker in KRaft mode (broker and controller in one process),
 * run as a child JVM from the jars on this classpath. A child process gives a fixed
 * port when one is wanted, a log directory that survives a restart, and a memory
 * figure of its own; the parent stops it on {@link #close()} and from a shutdown hook.
 */
public final class KafkaBroker implements AutoCloseable, KafkaEndpoint {

    /**
     * The broker JVM's heap and collector, space-separated. Tests keep the small serial
     * default; benchmarks set what Kafka's own start script uses in production (G1 with a
     * pause target), so that the broker's collections do not dominate a latency tail.
     */
    public static final String JVM_OPTIONS_PROPERTY = "parley.kafka.jvm-options";
    private static final String DEFAULT_JVM_OPTIONS = "-Xms128m -Xmx512m -XX:+UseSerialGC";


    private final Path dir;
    private final int port;
    private final Process process;

    private KafkaBroker(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /**
     * Starts a broker listening on {@code port} (0 picks a free one), keeping its data in
     * {@code dir}; storage is formatted on first use and reused afterwards.
     */
    public static KafkaBroker start(Path dir, int port, Duration timeout) throws IOException {
        int brokerPort = port == 0 ? Ports.free() : Ports.requireFree(port, "Kafka");
        int controllerPort = Ports.free();
        Files.createDirectories(dir);
        Path config = writeConfig(dir, brokerPort, controllerPort);
        format(dir, config);
        Path logConfig = dir.resolve("logback.xml");
        Files.writeString(logConfig, """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n</pattern></encoder>
                  </appender>
                  <root level="WARN"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        Path log = dir.resolve("broker.log");
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        String jvmOptions = System.getProperty(JVM_OPTIONS_PROPERTY, "");
        command.addAll(List.of((jvmOptions.isBlank() ? DEFAULT_JVM_OPTIONS : jvmOptions).trim().split("\\s+")));
        command.addAll(List.of("-Dlogback.configurationFile=" + logConfig, "-Dlog4j2.level=WARN",
                "-cp", System.getProperty("java.class.path"), "kafka.Kafka", config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        KafkaBroker broker = new KafkaBroker(dir, brokerPort, builder.start());
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-broker-stop"));
        broker.awaitReady(timeout, log);
        return broker;
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void awaitReady(Duration timeout, Path log) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        try (AdminClient admin = AdminClient.create(config)) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException("Kafka broker exited with code " + process.exitValue() + "; see " + log);
                }
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    // the broker is still starting: ask again until the deadline
                }
            }
        }
        close();
        throw new IOException("Kafka broker did not become ready within " + timeout + "; see " + log);
    }

    private static Path writeConfig(Path dir, int brokerPort, int controllerPort) throws IOException {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dir.resolve("data").toString());
        p.put("num.partitions", "4");
        p.put("auto.create.topics.enable", "true");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.flush.interval.ms", "1000");
        Path config = dir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(config)) {
            p.store(out, "written by KafkaBroker");
        }
        return config;
    }

    private static void format(Path dir, Path config) throws IOException {
        if (Files.exists(dir.resolve("data").resolve("meta.properties"))) {
            return;
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int rc;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            rc = kafka.tools.StorageTool.execute(new String[] {"format", "--cluster-id", Uuid.randomUuid().toString(),
                    "--config", config.toString(), "--ignore-formatted"}, out);
        } catch (RuntimeException e) {
            throw new IOException("Formatting Kafka storage in " + dir + " failed", e);
        }
        if (rc != 0) {
            throw new IOException("Formatting Kafka storage in " + dir + " failed: " + captured);
        }
    }

    static String javaBinary() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }
}
