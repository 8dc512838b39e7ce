package io.parley.chat.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.parley.chat.cluster.LocalCluster;

/**
 * What the edge benchmarks share: {@code key=value} arguments, the cluster they start
 * (or the one they attach to), users and a conversation to put sockets in, and a look at
 * the edge's process from outside (RSS, the load of the machine).
 */
final class EdgeBench {

    /** Sockets one user may hold on the edge when a benchmark starts the cluster: enough for every socket of the run. */
    static final String PER_USER_CAP = "-Dchat.edge.max-connections-per-user=100000";

    private EdgeBench() {
    }

    /** {@code key=value} arguments; a bare word is a flag ({@code ramp} means {@code ramp=true}). */
    static Map<String, String> arguments(String[] args) {
        Map<String, String> parsed = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 0) {
                parsed.put(arg, "true");
            } else {
                parsed.put(arg.substring(0, eq), arg.substring(eq + 1));
            }
        }
        return parsed;
    }

    static int intArg(Map<String, String> args, String key, int fallback) {
        return args.containsKey(key) ? Integer.parseInt(args.get(key)) : fallback;
    }

    /** Where the benchmark talks to: the gateway for REST, the edge itself for sockets, and the edge's pid when known. */
    record Target(String gateway, String edge, long edgePid, LocalCluster cluster) implements AutoCloseable {

        /** The started cluster's processes, to say where the CPU went; none when attached to a running cluster. */
        Map<String, Long> pids() {
            return cluster == null ? Map.of() : cluster.pids();
        }

        @Override
        public void close() {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    /**
     * Attaches to {@code gateway=} and {@code edge=} when given (with {@code pid=} for the
     * edge's memory), else starts the whole cluster on free ports with
     * {@code jvmOptions} for every service plus the per-user socket cap raised.
     */
    static Target target(Map<String, String> args, List<String> jvmOptions) throws IOException {
        if (args.containsKey("gateway")) {
            String edge = args.getOrDefault("edge", "ws://localhost:8085/ws");
            return new Target(args.get("gateway"), edge, Long.parseLong(args.getOrDefault("pid", "-1")), null);
        }
        Path root = Path.of(System.getProperty("parley.root", ".")).toAbsolutePath().normalize();
        List<String> options = new ArrayList<>(jvmOptions);
        options.add(PER_USER_CAP);
        System.out.println("service JVM options: " + String.join(" ", options));
        LocalCluster cluster = LocalCluster.start(new LocalCluster.Options(root,
                root.resolve("tools/load-tests/target/cluster"), false, false, Map.of(), options,
                Duration.ofSeconds(240), System.out));
        return new Target(cluster.gatewayUrl(), "ws://127.0.0.1:" + cluster.port("realtime-edge") + "/ws",
                edgePid(), cluster);
    }

    /** The edge's JVM among this process's children, found by the jar it runs. */
    private static long edgePid() {
        return ProcessHandle.current().children()
                .filter(p -> p.info().commandLine().orElse("").contains("realtime-edge-"))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
    }

    record User(String id, String token) {
    }

    /** Registers and logs in {@code count} users (BCrypt makes each take a while, so benchmarks use few). */
    static List<User> users(String gateway, int count) throws Exception {
        List<User> users = new ArrayList<>();
        String run = UUID.randomUUID().toString().substring(0, 6);
        for (int i = 0; i < count; i++) {
            String credentials = "{\"tenant\":\"default\",\"username\":\"edge-" + run + "-" + i
                    + "\",\"password\":\"bench-password-" + run + "\"";
            String id = MessageSendBenchmark.post(gateway + "/api/v1/auth/register", null,
                    credentials + ",\"displayName\":\"Edge bench " + i + "\"}").get("id").asString();
            String token = MessageSendBenchmark.post(gateway + "/api/v1/auth/login", null, credentials + "}")
                    .get("accessToken").asString();
            users.add(new User(id, token));
        }
        return users;
    }

    /** A GROUP conversation owned by the first user with all the others as members. */
    static String conversation(String gateway, List<User> users) throws Exception {
        StringBuilder members = new StringBuilder();
        for (User user : users.subList(1, users.size())) {
            members.append(members.isEmpty() ? "" : ",").append('"').append(user.id()).append('"');
        }
        return MessageSendBenchmark.post(gateway + "/api/v1/conversations", users.get(0).token(),
                "{\"type\":\"GROUP\",\"title\":\"edge bench\",\"memberIds\":[" + members + "]}").get("id").asString();
    }

    /** Resident memory of a process in KiB, from /proc; -1 when unknown. */
    static long rssKiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** The 1-minute load average, printed with every figure: other work on the machine moves them. */
    static String load() {
        try {
            String[] parts = Files.readAllLines(Path.of("/proc/loadavg")).get(0).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Runs {@code jcmd <pid> <command>} and returns its output. */
    static String jcmd(long pid, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid)));
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return output;
    }

    /**
     * Pings every socket once per {@code period}, spread evenly over it, so that sockets
     * that only listen are not closed by the edge's idle timeout.
     */
    static Thread keepAlive(List<LeanSocket> sockets, Duration period) {
        Thread pinger = new Thread(() -> {
            long slices = Math.max(1, period.toSeconds() * 10);
            try {
                for (long tick = 0; ; tick++) {
                    TimeUnit.MILLISECONDS.sleep(100);
                    int n = sockets.size();
                    int from = (int) (n * (tick % slices) / slices);
                    int to = (int) (n * ((tick % slices) + 1) / slices);
                    for (int i = from; i < to; i++) {
                        sockets.get(i).send("{\"type\":\"ping\"}");
                    }
                }
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
            }
        }, "keep-alive");
        pinger.setDaemon(true);
        pinger.start();
        return pinger;
    }

    /** The current time in microseconds since the epoch, the unit of the latency histograms. */
    static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    static void pause(Duration duration) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(duration.toMillis());
    }
}
