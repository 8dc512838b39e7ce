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


    /** The super user of a broker started with {@link #startWithScram}. */
    public static final String SCRAM_ADMIN = "admin";
    static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

    private final Path dir;
    private final int port;
    private final Process process;
    /** What a client needs to log in as the admin: empty when the broker takes anyone (the default). */
    private final Map<String, Object> adminLogin;

    private KafkaBroker(Path dir, int port, Process process, Map<String, Object> adminLogin) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.adminLogin = adminLogin;
    }

    /**
     * Starts a broker listening on {@code port} (0 picks a free one), keeping its data in
     * {@code dir}; storage is formatted on first use and reused afterwards.
     */
    public static KafkaBroker start(Path dir, int port, Duration timeout) throws IOException {
        return start(dir, port, null, timeout);
    }

    /**
     * Starts a broker as production runs one: its clients' listener takes only SASL/SCRAM-SHA-512
     * logins (SASL_PLAINTEXT: the tests need no certificates) and authorizes every request with
     * ACLs (KRaft's StandardAuthorizer, nothing allowed without one). {@link #SCRAM_ADMIN}, with
     * {@code adminPassword}, is the only super user; create users and ACLs with {@link #adminConfig()}.
     */
    public static KafkaBroker startWithScram(Path dir, String adminPassword, Duration timeout) throws IOException {
        return start(dir, 0, adminPassword, timeout);
    }

    private static KafkaBroker start(Path dir, int port, String adminPassword, Duration timeout) throws IOException {
        int brokerPort = port == 0 ? Ports.free() : Ports.requireFree(port, "Kafka");
        int controllerPort = Ports.free();
        Files.createDirectories(dir);
        Path config = writeConfig(dir, brokerPort, controllerPort, adminPassword);
        format(dir, config, adminPassword);
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
        Map<String, Object> adminLogin = adminPassword == null ? Map.of() : Map.of(
                "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", SCRAM_MECHANISM,
                "sasl.jaas.config", scramLogin(SCRAM_ADMIN, adminPassword));
        KafkaBroker broker = new KafkaBroker(dir, brokerPort, builder.start(), adminLogin);
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

    /** An admin client's configuration: the bootstrap servers, and the admin's login where the broker wants one. */
    public Map<String, Object> adminConfig() {
        Map<String, Object> config = new java.util.HashMap<>(adminLogin);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return config;
    }

    /** The sasl.jaas.config of a SCRAM login. */
    public static String scramLogin(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
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
        Map<String, Object> config = adminConfig();
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
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

    private static Path writeConfig(Path dir, int brokerPort, int controllerPort, String adminPassword) throws IOException {
        Properties p = new Properties();
        String listener = adminPassword == null ? "PLAINTEXT" : "SASL_PLAINTEXT";
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", listener + "://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", listener + "://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", listener);
        p.put("listener.security.protocol.map", listener + ":" + listener + ",CONTROLLER:PLAINTEXT");
        if (adminPassword != null) {
            p.put("sasl.enabled.mechanisms", SCRAM_MECHANISM);
            p.put("sasl.mechanism.inter.broker.protocol", SCRAM_MECHANISM);
            p.put("listener.name.sasl_plaintext." + SCRAM_MECHANISM.toLowerCase() + ".sasl.jaas.config",
                    scramLogin(SCRAM_ADMIN, adminPassword));
            p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            // the controller listener (loopback, this process only) has no login: its principal is ANONYMOUS
            p.put("super.users", "User:" + SCRAM_ADMIN + ";User:ANONYMOUS");
            p.put("allow.everyone.if.no.acl.found", "false");
        }
        p.put("log.dirs", dir.resolve("data").toString());
        p.put("num.partitions", "4");
        // prod's brokers create no topic on a client's request: the services create theirs with their Create ACL
        p.put("auto.create.topics.enable", String.valueOf(adminPassword == null));
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

    private static void format(Path dir, Path config, String adminPassword) throws IOException {
        if (Files.exists(dir.resolve("data").resolve("meta.properties"))) {
            return;
        }
        List<String> args = new ArrayList<>(List.of("format", "--cluster-id", Uuid.randomUuid().toString(),
                "--config", config.toString(), "--ignore-formatted"));
        if (adminPassword != null) {
            // the admin must exist before the broker starts: the broker logs in to itself with it
            args.addAll(List.of("--add-scram", SCRAM_MECHANISM + "=[name=" + SCRAM_ADMIN + ",password=" + adminPassword + "]"));
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int rc;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            rc = kafka.tools.StorageTool.execute(args.toArray(String[]::new), out);
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
