package io.parley.chat.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import io.parley.chat.testkit.EmbeddedMongo;
import io.parley.chat.testkit.EmbeddedRedis;
import io.parley.chat.testkit.KafkaBroker;
import io.parley.chat.testkit.Ports;

/**
 * The whole cluster on one machine: a Mongo wire server, a KRaft Kafka broker and a
 * redis-server (each replaced by a real one when its environment variable names it),
 * and the six services as child JVMs pointed at them. Used by the local run and by the
 * system tests, so that what a newcomer runs is what the tests prove.
 */
public final class LocalCluster implements AutoCloseable {

    /** Services in start order; each gets the port at the same index of {@link #DEFAULT_PORTS}. */
    public static final List<String> SERVICES = List.of("auth-service", "conversation-service", "message-service",
            "presence-service", "realtime-edge", "gateway-service");
    static final int[] DEFAULT_PORTS = {8081, 8082, 8083, 8084, 8085, 8080};
    static final int MONGO_PORT = 27017;
    static final int KAFKA_PORT = 9092;
    static final int REDIS_PORT = 6379;
    static final String PLATFORM_ADMIN_USERNAME = "platform-admin";

    private final Options options;
    /** Where each service is reached: its only replica, or the balancer in front of its replicas. */
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, List<Integer>> replicaPorts = new LinkedHashMap<>();
    private final List<ServiceProcess> services = new ArrayList<>();
    private final List<AutoCloseable> infrastructure = new ArrayList<>();
    private final List<TcpBalancer> balancers = new ArrayList<>();
    private KafkaBroker kafka;
    private EmbeddedMongo mongo;
    private TcpBalancer mongoFront;
    private EmbeddedRedis redis;
    private String mongoUri;
    private String kafkaBootstrap;
    private String redisHost;
    private int redisPort;
    private String platformAdminPassword;

    /**
     * @param root          the repository root (services' jars are under {@code <service>/target})
     * @param dataDir       where infrastructure data and service logs go
     * @param fixedPorts    the documented ports (local run) or free ones (tests)
     * @param persistent    Mongo and Kafka data on disk in {@code dataDir}, kept from run to run (local run); or
     *                      Mongo in memory and Kafka's log emptied at every start (tests)
     * @param environment   the caller's environment: MONGO_URI, KAFKA_BOOTSTRAP and REDIS_HOST select real infrastructure
     * @param jvmOptions    options for every service JVM
     * @param startTimeout  how long all of it may take to become ready
     * @param out           where progress is reported
     * @param replicas      instances of each replicated service (1, or more for {@code ./run --replicas 2} and the
     *                      fault tests): the gateways' load balancer spreads calls over them, and a TCP balancer on
     *                      each such service's port stands for its Kubernetes Service (for the gateways: the ingress)
     * @param replicated    the services that get {@code replicas} instances; the others get one
     */
    public record Options(Path root, Path dataDir, boolean fixedPorts, boolean persistent, Map<String, String> environment,
                          List<String> jvmOptions, Duration startTimeout, PrintStream out, int replicas,
                          Set<String> replicated) {

        public Options {
            if (replicas < 1) {
                throw new IllegalArgumentException("replicas must be at least 1, was " + replicas);
            }
            replicated = Set.copyOf(replicated);
            if (!SERVICES.containsAll(replicated)) {
                throw new IllegalArgumentException("replicated names a service that does not exist: " + replicated
                        + " (services: " + SERVICES + ")");
            }
        }

        /** {@code replicas} instances of every service. */
        public Options(Path root, Path dataDir, boolean fixedPorts, boolean persistent, Map<String, String> environment,
                       List<String> jvmOptions, Duration startTimeout, PrintStream out, int replicas) {
            this(root, dataDir, fixedPorts, persistent, environment, jvmOptions, startTimeout, out, replicas,
                    Set.copyOf(SERVICES));
        }

        /** One instance of every service. */
        public Options(Path root, Path dataDir, boolean fixedPorts, boolean persistent, Map<String, String> environment,
                       List<String> jvmOptions, Duration startTimeout, PrintStream out) {
            this(root, dataDir, fixedPorts, persistent, environment, jvmOptions, startTimeout, out, 1);
        }

        /** Instances of one service. */
        public int replicasOf(String service) {
            return replicated.contains(service) ? replicas : 1;
        }

        /** Whether any service has more than one instance. */
        boolean anyReplicated() {
            return replicas > 1 && !replicated.isEmpty();
        }

        /**
         * Small, quick-starting JVMs. The young generation is fixed and the heap kept within
         * 10-20 % of what is live: otherwise the serial collector grows the young generation
         * with the old one and keeps 40-70 % free, so an edge holding 15,000 idle sockets
         * (6 KB live each) commits twice that (measured in
         * docs/performance.md#realtime-edge-idle-capacity).
         */
        public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Xss512k", "-Xms64m", "-Xmx384m", "-Xmn24m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20",
                "-XX:+ExitOnOutOfMemoryError");

        /**
         * The two services every delivered frame crosses (the gateway's relay and the edge's
         * fan-out). With {@link #DEFAULT_JVM_OPTIONS} they keep the full JIT (C2), as the k8s
         * image does: compiled by C1 alone, their per-frame cost set the cluster's fan-out
         * latency. The other services stay on C1, for memory and start time.
         */
        public static final Set<String> RELAY_PATH = Set.of("gateway-service", "realtime-edge");

        /** The options {@code service}'s JVMs get: the given ones, less C1-only on the relay path when they are the defaults. */
        public List<String> jvmOptionsOf(String service) {
            if (!RELAY_PATH.contains(service) || !jvmOptions.equals(DEFAULT_JVM_OPTIONS)) {
                return jvmOptions;
            }
            return jvmOptions.stream().filter(option -> !option.startsWith("-XX:TieredStopAtLevel")).toList();
        }
    }

    private LocalCluster(Options options) {
        this.options = options;
    }

    /** Starts everything and waits until every service is ready; on any failure stops what it started and throws. */
    public static LocalCluster start(Options options) throws IOException {
        LocalCluster cluster = new LocalCluster(options);
        try {
            cluster.startAll();
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void startAll() throws IOException {
        Files.createDirectories(options.dataDir());
        assignPorts();
        long deadline = System.nanoTime() + options.startTimeout().toNanos();
        CompletableFuture<Void> kafkaReady = startInfrastructure();
        Map<String, String> env = serviceEnvironment();
        startBalancers();
        for (int replica = 0; replica < options.replicas(); replica++) {
            for (String service : SERVICES) {
                if (replica >= options.replicasOf(service)) {
                    continue;
                }
                Path jar = options.root().resolve(service).resolve("target").resolve(service + "-" + version() + ".jar");
                services.add(ServiceProcess.start(replicaName(service, replica), jar, replicaPorts.get(service).get(replica),
                        env, options.jvmOptionsOf(service), arguments(service), options.dataDir().resolve("logs")));
            }
        }
        try {
            kafkaReady.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
        for (ServiceProcess service : services) {
            service.awaitReady(deadline);
            options.out().printf("  ready  %-21s http://127.0.0.1:%d%n", service.name(), service.port());
        }
        for (TcpBalancer balancer : balancers) {
            options.out().printf("  ready  %-21s http://127.0.0.1:%d -> %s%n", balancer.name(),
                    balancer.port(), balancer.instances().stream().map(a -> String.valueOf(a.getPort())).toList());
        }
    }

    private String replicaName(String service, int replica) {
        return options.replicasOf(service) == 1 ? service : service + "-" + (replica + 1);
    }

    /** A TCP balancer on each replicated service's port in front of its replicas. */
    private void startBalancers() throws IOException {
        for (String service : SERVICES) {
            if (options.replicasOf(service) == 1) {
                continue;
            }
            List<InetSocketAddress> instances = replicaPorts.get(service).stream()
                    .map(port -> new InetSocketAddress("127.0.0.1", port)).toList();
            balancers.add(TcpBalancer.start(service, ports.get(service), instances));
        }
    }

    /**
     * With replicas, each gateway lists every replica of every service for Spring Cloud
     * LoadBalancer, where a single gateway calls each service's one URL (in k8s, its
     * Service). No health checks: under load their 1 s probes timed out and took every
     * message-service replica out at once ("No servers available"); a replica that is down
     * refuses the connection, and the gateway tries the next.
     */
    private List<String> arguments(String service) {
        if (!options.anyReplicated() || !service.equals("gateway-service")) {
            return List.of();
        }
        List<String> arguments = new ArrayList<>();
        for (String upstream : SERVICES) {
            if (upstream.equals(service)) {
                continue;
            }
            String scheme = upstream.equals("realtime-edge") ? "ws" : "http";
            List<Integer> instances = replicaPorts.get(upstream);
            for (int i = 0; i < instances.size(); i++) {
                arguments.add("--spring.cloud.discovery.client.simple.instances." + upstream + "[" + i + "].uri="
                        + scheme + "://127.0.0.1:" + instances.get(i));
            }
        }
        return arguments;
    }

    /** With replicas, replica {@code r} (from 0) of a service on port {@code p} listens on {@code p + 10000 * (r + 1)}. */
    private void assignPorts() throws IOException {
        List<String> taken = new ArrayList<>();
        for (int i = 0; i < SERVICES.size(); i++) {
            int port = options.fixedPorts() ? DEFAULT_PORTS[i] : Ports.free();
            if (options.fixedPorts() && !Ports.isFree(port)) {
                taken.add(port + " (" + SERVICES.get(i) + ")");
            }
            ports.put(SERVICES.get(i), port);
            List<Integer> replicas = new ArrayList<>();
            int count = options.replicasOf(SERVICES.get(i));
            if (count == 1) {
                replicas.add(port);
            }
            for (int r = 0; count > 1 && r < count; r++) {
                int replicaPort = options.fixedPorts() ? port + 10000 * (r + 1) : Ports.free();
                if (options.fixedPorts() && !Ports.isFree(replicaPort)) {
                    taken.add(replicaPort + " (" + replicaName(SERVICES.get(i), r) + ")");
                }
                replicas.add(replicaPort);
            }
            replicaPorts.put(SERVICES.get(i), replicas);
        }
        if (options.fixedPorts()) {
            checkFree(taken, "MONGO_URI", MONGO_PORT, "MongoDB");
            checkFree(taken, "KAFKA_BOOTSTRAP", KAFKA_PORT, "Kafka");
            checkFree(taken, "REDIS_HOST", REDIS_PORT, "Redis");
        }
        if (!taken.isEmpty()) {
            throw new PortsInUse(taken);
        }
    }

    private void checkFree(List<String> taken, String externalVariable, int port, String what) {
        if (!external(externalVariable) && !Ports.isFree(port)) {
            taken.add(port + " (" + what + ")");
        }
    }

    private boolean external(String variable) {
        String value = options.environment().get(variable);
        return value != null && !value.isBlank();
    }

    /** Mongo and Redis start at once (well under a second); Kafka, a JVM of its own, comes up while the services boot. */
    private CompletableFuture<Void> startInfrastructure() throws IOException {
        if (external("MONGO_URI")) {
            mongoUri = options.environment().get("MONGO_URI");
        } else {
            // with replicas, Mongo is reached through a balancer that a fault test can cut off (cutMongo)
            int mongoPort = options.anyReplicated() ? Ports.free() : port(MONGO_PORT);
            mongo = options.persistent()
                    ? EmbeddedMongo.onDisk(options.dataDir().resolve("mongo").resolve("chat.mv"), mongoPort)
                    : EmbeddedMongo.inMemory();
            infrastructure.add(mongo);
            int front = mongo.port();
            if (options.anyReplicated()) {
                mongoFront = TcpBalancer.start("mongo", port(MONGO_PORT), List.of(new InetSocketAddress("127.0.0.1", mongo.port())));
                infrastructure.add(mongoFront);
                front = mongoFront.port();
            }
            mongoUri = "mongodb://127.0.0.1:" + front;
            options.out().printf("  ready  %-21s %s%n", "mongo (wire server)", mongoUri);
        }
        if (external("REDIS_HOST")) {
            redisHost = options.environment().get("REDIS_HOST");
            redisPort = Integer.parseInt(options.environment().getOrDefault("REDIS_PORT", "6379"));
        } else {
            redis = EmbeddedRedis.start(port(REDIS_PORT), options.dataDir().resolve("redis"));
            infrastructure.add(redis);
            redisHost = redis.host();
            redisPort = redis.port();
            options.out().printf("  ready  %-21s redis://%s:%d%n", "redis", redisHost, redisPort);
        }
        if (external("KAFKA_BOOTSTRAP")) {
            kafkaBootstrap = options.environment().get("KAFKA_BOOTSTRAP");
            return CompletableFuture.completedFuture(null);
        }
        int kafkaPort = options.fixedPorts() ? KAFKA_PORT : Ports.free();
        kafkaBootstrap = "127.0.0.1:" + kafkaPort;
        return CompletableFuture.runAsync(() -> {
            try {
                Path kafkaDir = options.dataDir().resolve("kafka");
                if (!options.persistent()) {
                    // a test cluster starts empty, as its Mongo does: a previous run's consumer groups would
                    // hold each service's first partition assignment back until their members time out (45 s)
                    deleteTree(kafkaDir);
                }
                kafka = KafkaBroker.start(kafkaDir, kafkaPort, options.startTimeout());
                synchronized (infrastructure) {
                    infrastructure.add(kafka);
                }
                options.out().printf("  ready  %-21s %s%n", "kafka (KRaft)", kafkaBootstrap);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    private int port(int fixed) throws IOException {
        return options.fixedPorts() ? fixed : Ports.free();
    }

    private Map<String, String> serviceEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MONGO_URI", mongoUri);
        env.put("KAFKA_BOOTSTRAP", kafkaBootstrap);
        env.put("REDIS_HOST", redisHost);
        env.put("REDIS_PORT", String.valueOf(redisPort));
        env.put("JWKS_URI", url("auth-service") + "/.well-known/jwks.json");
        env.put("AUTH_URL", url("auth-service"));
        env.put("CONVERSATION_URL", url("conversation-service"));
        env.put("MESSAGE_URL", url("message-service"));
        env.put("PRESENCE_URL", url("presence-service"));
        env.put("EDGE_URL", "ws://127.0.0.1:" + ports.get("realtime-edge"));
        int gateway = ports.get("gateway-service");
        env.put("ALLOWED_ORIGINS", "http://localhost:" + gateway + ",http://127.0.0.1:" + gateway);
        if (!options.persistent()) {
            // a throw-away cluster gets a platform admin, so that tests can create tenants as an operator does
            platformAdminPassword = "pa-" + UUID.randomUUID();
            env.put("PLATFORM_ADMIN_USERNAME", PLATFORM_ADMIN_USERNAME);
            env.put("PLATFORM_ADMIN_PASSWORD", platformAdminPassword);
        }
        return env;
    }

    private String url(String service) {
        return "http://127.0.0.1:" + ports.get(service);
    }

    public String gatewayUrl() {
        return "http://localhost:" + ports.get("gateway-service");
    }

    public String gatewayWebSocketUrl() {
        return "ws://localhost:" + ports.get("gateway-service") + "/ws";
    }

    public int port(String service) {
        return ports.get(service);
    }

    /**
     * The platform admin of a throw-away cluster ({@code persistent} false), in the
     * {@code default} tenant; empty for the local run, whose operator sets
     * {@code PLATFORM_ADMIN_PASSWORD} when they want one.
     */
    public Optional<Credentials> platformAdmin() {
        return Optional.ofNullable(platformAdminPassword)
                .map(password -> new Credentials("default", PLATFORM_ADMIN_USERNAME, password));
    }

    public record Credentials(String tenant, String username, String password) {

        @Override
        public String toString() {
            return username + "@" + tenant;
        }
    }

    public String mongoUri() {
        return mongoUri;
    }

    public String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    /** Instances of each replicated service. */
    public int replicas() {
        return options.replicas();
    }

    /** Instances of one service. */
    public int replicas(String service) {
        return options.replicasOf(service);
    }

    /** The port of one replica (from 0) of a service; with one replica, the service's port. */
    public int replicaPort(String service, int replica) {
        return replicaPorts.get(service).get(replica);
    }

    /** The ports of every replica of a service, for a test that must ask each (metrics are per process). */
    public List<Integer> replicaPorts(String service) {
        return List.copyOf(replicaPorts.get(service));
    }

    /** kill -9 of one replica (from 0) of a service. */
    public void kill(String service, int replica) {
        process(service, replica).kill();
    }

    /**
     * What a rollout does to a pod: it leaves the Service's endpoints (here: the balancer in
     * front of the service takes it out of rotation), then gets SIGTERM, drains, and is killed
     * if it takes longer than {@code grace}.
     */
    public void stop(String service, int replica, Duration grace) {
        balancer(service).ifPresent(balancer -> balancer.takeOut(replicaPort(service, replica)));
        process(service, replica).stop(grace);
    }

    /** Starts a killed or stopped replica again, waits until it is ready, and puts it back into rotation. */
    public void restart(String service, int replica, Duration timeout) throws IOException {
        ServiceProcess process = process(service, replica);
        process.restart();
        process.awaitReady(System.nanoTime() + timeout.toNanos());
        balancer(service).ifPresent(balancer -> balancer.putBack(replicaPort(service, replica)));
    }

    private Optional<TcpBalancer> balancer(String service) {
        return balancers.stream().filter(balancer -> balancer.name().equals(service)).findFirst();
    }

    /** Connections the launcher's balancers cut because one end failed, by reason. */
    public Map<String, Integer> balancerErrors() {
        return Map.copyOf(TcpBalancer.ERRORS);
    }

    /** Whether every service process is running and ready (a restarted replica is, once it answers readiness). */
    public boolean allRunning() {
        return services.stream().allMatch(ServiceProcess::isReady);
    }

    private ServiceProcess process(String service, int replica) {
        String name = replicaName(service, replica);
        return services.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no process " + name));
    }

    /** kill -9 of the embedded Kafka broker; {@link #restartKafka} starts it again on its port and data. */
    public void killKafka() {
        requireEmbedded(kafka, "KAFKA_BOOTSTRAP");
        ProcessHandle.of(kafka.pid()).ifPresent(ProcessHandle::destroyForcibly);
        await(() -> !kafka.isAlive());
    }

    public void restartKafka(Duration timeout) throws IOException {
        requireEmbedded(kafka, "KAFKA_BOOTSTRAP");
        KafkaBroker restarted = KafkaBroker.start(options.dataDir().resolve("kafka"), kafka.port(), timeout);
        synchronized (infrastructure) {
            infrastructure.set(infrastructure.indexOf(kafka), restarted);
        }
        kafka = restarted;
    }

    /** The redis-server processes this JVM started that listen on {@code port}. */
    static List<ProcessHandle> redisServersOn(int port) {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.contains("redis-server")).orElse(false))
                .filter(p -> namesRedisPort(arguments(p), port))
                .toList();
    }

    /**
     * A process's arguments. The JDK answers none for redis-server, which rewrites its command
     * line into a title ("redis-server 127.0.0.1:6379"); then {@code /proc/<pid>/cmdline} is
     * read directly, title included.
     */
    private static String[] arguments(ProcessHandle process) {
        String[] known = process.info().arguments().orElse(new String[0]);
        if (known.length > 0) {
            return known;
        }
        try {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            return cmdline.split("\0");
        } catch (IOException | RuntimeException unreadable) {
            return new String[0];
        }
    }

    /**
     * Whether redis-server's arguments give it our port: on the command line or in its title,
     * or (as embedded-redis starts it with settings) in the config file it names.
     */
    private static boolean namesRedisPort(String[] arguments, int redisPort) {
        String port = String.valueOf(redisPort);
        for (String argument : arguments) {
            for (String word : argument.strip().split("\\s+")) {
                if (word.equals(port) || word.endsWith(":" + port)) {
                    return true; // "--port 6379", or the "127.0.0.1:6379" of the title redis-server gives itself
                }
            }
            Path file = Path.of(argument);
            try {
                if (Files.isRegularFile(file) && Files.size(file) < 65_536
                        && Files.readAllLines(file).stream().anyMatch(line -> line.strip().equals("port " + port))) {
                    return true;
                }
            } catch (IOException | RuntimeException unreadable) {
                // not a config file of ours
            }
        }
        return false;
    }

    /** kill -9 of the embedded redis-server; {@link #restartRedis} starts a new one, empty, on its port. */
    public void killRedis() {
        requireEmbedded(redis, "REDIS_HOST");
        List<ProcessHandle> servers = redisServersOn(redisPort);
        if (servers.isEmpty()) {
            throw new IllegalStateException("no redis-server process found for port " + redisPort);
        }
        servers.forEach(ProcessHandle::destroyForcibly);
        await(() -> servers.stream().noneMatch(ProcessHandle::isAlive));
    }

    public void restartRedis() throws IOException {
        requireEmbedded(redis, "REDIS_HOST");
        EmbeddedRedis restarted = EmbeddedRedis.start(redisPort, options.dataDir().resolve("redis"));
        synchronized (infrastructure) {
            infrastructure.set(infrastructure.indexOf(redis), restarted);
        }
        redis = restarted;
    }

    /** Cuts every service off Mongo (open connections closed, new ones refused), as a network outage does. */
    public void cutMongo() {
        requireEmbedded(mongoFront, "MONGO_URI (and replicas above 1)");
        mongoFront.suspend();
    }

    public void restoreMongo() throws IOException {
        requireEmbedded(mongoFront, "MONGO_URI (and replicas above 1)");
        mongoFront.resume();
    }

    private static void requireEmbedded(Object part, String setting) {
        if (part == null) {
            throw new IllegalStateException("only an embedded part can be faulted: unset " + setting);
        }
    }

    private static void await(java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("a killed process did not exit within 10 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Resident memory per process in MiB: the services, and the Kafka broker when embedded. */
    public Map<String, Long> memory() {
        Map<String, Long> rss = new LinkedHashMap<>();
        services.forEach(s -> rss.put(s.name(), s.rssMiB()));
        if (kafka != null) {
            rss.put("kafka", Rss.of(kafka.pid()));
        }
        rss.put("launcher (mongo wire server)", Rss.of(ProcessHandle.current().pid()));
        return rss;
    }

    /** Process ids by name: the services, the Kafka broker when embedded, and this launcher (the Mongo wire server). */
    public Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        services.forEach(s -> pids.put(s.name(), s.pid()));
        if (kafka != null) {
            pids.put("kafka", kafka.pid());
        }
        pids.put("launcher (mongo wire server)", ProcessHandle.current().pid());
        return pids;
    }

    /** Stops services first (so they drain against live infrastructure), then the infrastructure. */
    @Override
    public void close() {
        List<Thread> stopping = new ArrayList<>();
        for (ServiceProcess service : services) {
            Thread t = new Thread(() -> service.stop(Duration.ofSeconds(20)), "stop-" + service.name());
            t.start();
            stopping.add(t);
        }
        for (Thread t : stopping) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        services.clear();
        balancers.forEach(TcpBalancer::close);
        balancers.clear();
        synchronized (infrastructure) {
            for (int i = infrastructure.size() - 1; i >= 0; i--) {
                try {
                    infrastructure.get(i).close();
                } catch (Exception e) {
                    options.out().println("  could not stop " + infrastructure.get(i) + ": " + e.getMessage());
                }
            }
            infrastructure.clear();
        }
    }

    /** Fixed ports that something else listens on, all named at once. */
    public static final class PortsInUse extends IOException {
        PortsInUse(List<String> taken) {
            super("Ports already in use: " + String.join(", ", taken)
                    + ". Stop what listens there (another cluster?) and run again.");
        }
    }

    static String version() {
        String version = LocalCluster.class.getPackage().getImplementationVersion();
        return version != null ? version : "0.1.0-SNAPSHOT";
    }

    /** Deletes a directory and everything in it; nothing when it does not exist. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
