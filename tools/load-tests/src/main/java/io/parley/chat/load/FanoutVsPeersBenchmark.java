package io.parley.chat.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

import io.parley.chat.cluster.LocalCluster;
import io.parley.chat.testkit.KafkaBroker;
import reactor.netty.http.client.HttpClient;

/**
 * Fan-out latency of the chat cluster on the user's path beside two peers, in one run and
 * from the same Java client (issue 21): every target gets {@code sockets} receiving
 * sockets and sender sockets that send {@code rate} messages a second (open loop), and
 * each receipt is timed from when its send was due, on this JVM's clock.
 *
 * <ol>
 * <li>{@code cluster}: the whole cluster started as {@code ./run} starts it (the same
 *     JVM options for the services and the Kafka broker, every limit at its default;
 *     the Mongo wire server lives in this JVM, as in ./run's), reached through the gateway's
 *     {@code /ws}: one socket per user, each subscribed to one GROUP conversation of all of
 *     them, and the conversation's owner sending {@code send} frames and counting acks;</li>
 * <li>{@code socketio}: tools/load-tests/peers/socketio-server.js (Socket.IO 4.8), every
 *     receiving socket in one room, each {@code chat} event broadcast to the room, spoken
 *     to as Engine.IO v4 over WebSocket;</li>
 * <li>{@code ws}: tools/load-tests/peers/ws-server.js (ws 8), each message written to
 *     every receiving socket.</li>
 * </ol>
 * Each server stamps a message with its own sequence number, which every socket must get
 * in order and without gaps (the cluster's seq 1..M), and with its own time (the cluster's
 * {@code createdAt}), the second, wall-clock figure. The targets are warmed up one after
 * the other, then each rate is measured against each target in turn (the order rotating
 * from rate to rate), so that all three see the same machine.
 *
 * <p>Usage: {@code tools/load-tests/bench FanoutVsPeersBenchmark [key=value...]}:
 * {@code sockets=1000}, {@code rates=50,100} (or {@code rate=50} for one), {@code seconds=20}
 * measured per target and rate, {@code warmup=30} per target at the first rate (at most
 * 30), {@code body=100} characters (1 to 4000, the cluster's maximum), {@code
 * targets=cluster,socketio,ws}, {@code senders=auto} (one sender socket per 50 msg/s,
 * the edge's per-socket frame rate; a number forces it), {@code threads=2} client event
 * loops, {@code node=/usr/bin/node}.
 */
public final class FanoutVsPeersBenchmark {

    /** The edge's default {@code chat.edge.frames-per-second}: one socket sending faster is refused, then closed. */
    private static final int EDGE_FRAMES_PER_SECOND = 50;
    /** The edge's default {@code chat.edge.max-connections-per-user}, which this benchmark leaves as it is. */
    private static final int EDGE_SOCKETS_PER_USER = 20;
    private static final int MAX_WARMUP = 30;
    private static final int MAX_BODY = 4000;
    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(15);

    private final HttpClient client;
    private final String body;
    private final String sendersArg;
    private final Map<String, Long> allPids = new LinkedHashMap<>();
    private final List<Result> results = new ArrayList<>();
    private String launcherPid;

    private FanoutVsPeersBenchmark(HttpClient client, String body, String sendersArg) {
        this.client = client;
        this.body = body;
        this.sendersArg = sendersArg;
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = EdgeBench.arguments(argv);
        int sockets = EdgeBench.intArg(args, "sockets", 1000);
        List<Integer> rates = args.containsKey("rates") ? ints(args.get("rates"))
                : args.containsKey("rate") ? List.of(EdgeBench.intArg(args, "rate", 50)) : List.of(50, 100);
        int seconds = EdgeBench.intArg(args, "seconds", 20);
        int warmup = EdgeBench.intArg(args, "warmup", MAX_WARMUP);
        int bodySize = EdgeBench.intArg(args, "body", 100);
        int threads = EdgeBench.intArg(args, "threads", 2);
        List<String> targets = List.of(args.getOrDefault("targets", "cluster,socketio,ws").split(","));
        String sendersArg = args.getOrDefault("senders", "auto");
        if (warmup > MAX_WARMUP) {
            System.out.printf("warmup=%d is more than the issue's %d s; using %d s%n", warmup, MAX_WARMUP, MAX_WARMUP);
            warmup = MAX_WARMUP;
        }
        if (bodySize < 1 || bodySize > MAX_BODY) {
            throw new IllegalArgumentException("body must be 1 to " + MAX_BODY + " characters (the cluster's maximum)");
        }
        for (String target : targets) {
            if (!List.of("cluster", "socketio", "ws").contains(target)) {
                throw new IllegalArgumentException("unknown target " + target + "; targets are cluster, socketio, ws");
            }
        }
        System.out.printf("FanoutVsPeersBenchmark: %s; %d receiving sockets each, %s msg/s for %d s each after %d s of"
                        + " warm-up, body %d characters, %d cores, load %s%n", String.join(", ", targets), sockets,
                rates, seconds, warmup, bodySize, Runtime.getRuntime().availableProcessors(), EdgeBench.load());
        System.out.println("client JVM (this process, also the Mongo wire server): "
                + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-Dparley.")).toList()));

        Path root = Path.of(System.getProperty("parley.root", ".")).toAbsolutePath().normalize();
        Path peersDir = root.resolve("tools/load-tests/peers");
        long plannedSends = (long) warmup * rates.get(0) + rates.stream().mapToLong(r -> (long) r * seconds).sum();
        FanoutVsPeersBenchmark bench = new FanoutVsPeersBenchmark(LeanSocket.client(threads), text(bodySize),
                sendersArg);
        List<FanoutTarget> opened = new ArrayList<>();
        List<NodePeer> peers = new ArrayList<>();
        List<Thread> pingers = new ArrayList<>();
        LocalCluster cluster = null;
        try {
            String node = NodePeer.nodeBinary(args.get("node"));
            if (targets.contains("socketio") || targets.contains("ws")) {
                NodePeer.install(peersDir, node);
            }
            Map<String, FanoutTarget> byName = new LinkedHashMap<>();
            GatewaySetup setup = null;
            for (String name : targets) {
                switch (name) {
                    case "socketio" -> {
                        NodePeer server = NodePeer.start("socketio-server", node, peersDir, "socketio-server.js",
                                root.resolve("tools/load-tests/target/peers"));
                        peers.add(server);
                        byName.put(name, new FanoutTarget.SocketIo(server));
                        System.out.printf("socketio: Socket.IO 4.8 server on 127.0.0.1:%d (pid %d)%n", server.port(),
                                server.pid());
                    }
                    case "ws" -> {
                        NodePeer server = NodePeer.start("ws-server", node, peersDir, "ws-server.js",
                                root.resolve("tools/load-tests/target/peers"));
                        peers.add(server);
                        byName.put(name, new FanoutTarget.Ws(server));
                        System.out.printf("ws: ws 8 server on 127.0.0.1:%d (pid %d)%n", server.port(), server.pid());
                    }
                    default -> {
                        cluster = startCluster(root);
                        setup = new GatewaySetup(cluster.gatewayUrl());
                        byName.put(name, cluster(cluster, setup, sockets));
                    }
                }
            }
            for (FanoutTarget target : byName.values()) {
                bench.allPids.putAll(target.pids());
            }
            if (cluster != null) {
                bench.launcherPid = "launcher (mongo wire server)";
            }
            for (String name : targets) {
                FanoutTarget target = byName.get(name);
                target.plan(plannedSends);
                target.open(bench.client, sockets);
                opened.add(target);
                if (target instanceof FanoutTarget.Cluster) {
                    // the edge closes a socket that sends nothing for 120 s; the peers need no pings of ours
                    pingers.add(EdgeBench.keepAlive(target.receiverSockets, Duration.ofSeconds(30)));
                    pingers.add(EdgeBench.keepAlive(target.senderSockets, Duration.ofSeconds(30)));
                }
            }
            if (setup != null) {
                long planned = TimeUnit.SECONDS.toNanos((long) opened.size() * (warmup + rates.size() * (seconds + 5L)));
                long oldest = System.nanoTime() - setup.loginsStarted();
                if (oldest + planned > TOKEN_LIFETIME.toNanos() - TimeUnit.MINUTES.toNanos(1)) {
                    System.out.printf("warning: the oldest token is %.0f s old and the run needs about %.0f s more;"
                                    + " the edge closes a socket when its 15-minute token expires (see 'closed')%n",
                            oldest / 1e9, planned / 1e9);
                }
            }
            for (FanoutTarget target : opened) {
                bench.phase(target, rates.get(0), warmup, "warm-up");
            }
            for (int r = 0; r < rates.size(); r++) {
                for (int i = 0; i < opened.size(); i++) {
                    bench.results.add(bench.phase(opened.get((i + r) % opened.size()), rates.get(r), seconds,
                            "measured"));
                }
            }
            bench.summary(sockets, seconds, bodySize);
        } finally {
            pingers.forEach(Thread::interrupt);
            opened.forEach(FanoutTarget::close);
            if (cluster != null) {
                cluster.close();
            }
            for (NodePeer peer : peers) {
                peer.close();
                System.out.println(peer.name() + " stopped: " + peer.lastLogLine());
            }
        }
    }

    /**
     * Starts the cluster with the JVM options ./run gives it: CHAT_JVM_OPTS, else
     * LocalCluster's defaults, for the services, and the broker's own default for Kafka.
     * The bench script sets G1 options for the broker (its -Dparley.kafka.jvm-options), and
     * they are set aside here unless BENCH_KAFKA_OPTS asked for them.
     */
    private static LocalCluster startCluster(Path root) throws Exception {
        String chatJvm = System.getenv("CHAT_JVM_OPTS");
        List<String> options = chatJvm == null || chatJvm.isBlank() ? LocalCluster.Options.DEFAULT_JVM_OPTIONS
                : List.of(chatJvm.trim().split("\\s+"));
        String benchKafka = System.getenv("BENCH_KAFKA_OPTS");
        if (benchKafka == null || benchKafka.isBlank()) {
            System.clearProperty(KafkaBroker.JVM_OPTIONS_PROPERTY);
        }
        System.out.println("cluster: every limit at its default (per-user sockets " + EDGE_SOCKETS_PER_USER
                + ", frames per socket " + EDGE_FRAMES_PER_SECOND + "/s, the gateway's auth quota); 429s are retried");
        long started = System.nanoTime();
        LocalCluster cluster = LocalCluster.start(new LocalCluster.Options(root,
                root.resolve("tools/load-tests/target/cluster"), false, false, Map.of(), options,
                Duration.ofSeconds(240), System.out));
        System.out.printf("cluster: started in %.1f s%n", (System.nanoTime() - started) / 1e9);
        // what the processes run with, read back from them rather than from what was asked
        Map<String, List<String>> flags = new LinkedHashMap<>();
        cluster.pids().forEach((name, pid) -> {
            if (!name.startsWith("launcher")) {
                flags.computeIfAbsent(String.join(" ", jvmFlags(pid)), k -> new ArrayList<>()).add(name);
            }
        });
        flags.forEach((line, names) -> System.out.println("cluster: JVM options of " + String.join(", ", names)
                + " (as ./run" + (names.contains("kafka") && benchKafka != null && !benchKafka.isBlank()
                ? ", but Kafka's from BENCH_KAFKA_OPTS" : chatJvm != null && !chatJvm.isBlank() ? ", CHAT_JVM_OPTS" : "")
                + "): " + line));
        return cluster;
    }

    /**
     * A process's JVM flags (its -X and -XX arguments) from /proc/PID/cmdline, read whole:
     * ProcessHandle's arguments came back empty for the broker, whose classpath is long.
     */
    private static List<String> jvmFlags(long pid) {
        try {
            String cmdline = new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline")),
                    StandardCharsets.UTF_8);
            return List.of(cmdline.split("\0")).stream().filter(a -> a.startsWith("-X")).toList();
        } catch (IOException e) {
            return List.of("(unknown: " + e.getMessage() + ")");
        }
    }

    /** Users and the conversation through the gateway; the cluster target on its /ws. */
    private static FanoutTarget.Cluster cluster(LocalCluster cluster, GatewaySetup setup, int sockets)
            throws Exception {
        long started = System.nanoTime();
        List<GatewaySetup.User> users = setup.users(sockets + 1, 4);
        System.out.printf("cluster: %d users registered and logged in through the gateway in %.1f s (%d answers 429"
                + " or 503 retried after Retry-After)%n", users.size(), (System.nanoTime() - started) / 1e9,
                setup.refusals());
        GatewaySetup.User owner = users.get(0);
        List<GatewaySetup.User> members = users.subList(1, users.size());
        started = System.nanoTime();
        String conversation = setup.conversation(owner, members);
        System.out.printf("cluster: GROUP conversation of %d members made in %.1f s%n", users.size(),
                (System.nanoTime() - started) / 1e9);
        return new FanoutTarget.Cluster(cluster.gatewayWebSocketUrl(), members, owner, conversation, cluster.pids());
    }

    /** Sender sockets at {@code rate}: as given, or one per 50 msg/s so that no socket is over the edge's frame rate. */
    private int senders(int rate) {
        if (!"auto".equals(sendersArg)) {
            return Integer.parseInt(sendersArg);
        }
        int count = (rate + EDGE_FRAMES_PER_SECOND - 1) / EDGE_FRAMES_PER_SECOND;
        if (count > EDGE_SOCKETS_PER_USER) {
            throw new IllegalArgumentException(rate + " msg/s needs " + count + " sender sockets, more than the "
                    + EDGE_SOCKETS_PER_USER + " one user may hold on the edge");
        }
        return count;
    }

    /**
     * Sends {@code rate} messages a second for {@code seconds} (open loop: each goes out
     * when due, whatever happened to the earlier ones), then waits up to 15 s for acks and
     * then up to 10 s for every socket to get every acked message, and prints one line.
     */
    private Result phase(FanoutTarget t, int rate, int seconds, String label) throws InterruptedException {
        int senderCount = senders(rate);
        t.ensureSenders(client, senderCount);
        List<LeanSocket> out = List.copyOf(t.senderSockets.subList(0, senderCount));
        long count = (long) rate * seconds;
        long from = t.nextN;
        long to = from + count;
        if (to > t.capacity) {
            throw new IllegalStateException("more sends than planned");
        }
        int n = t.receivers.size();
        long[] receivedBefore = new long[n];
        long[] disorderBefore = new long[n];
        for (int i = 0; i < n; i++) {
            FanoutTarget.Receiver r = t.receivers.get(i);
            receivedBefore[i] = r.received();
            disorderBefore[i] = r.outOfOrder + r.gaps + r.duplicates;
        }
        long[] totalsBefore = disorder(t);
        t.phaseFrom = from;
        t.phaseTo = to;
        t.sendToReceive.reset();
        t.stampToReceive.reset();
        t.ackLatency.reset();
        CpuMeter cpu = CpuMeter.start(allPids);
        long clientCpuBefore = clientCpuNanos();
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        for (long i = 0; i < count; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            long index = t.nextN++;
            t.sentAt.set((int) index, due);
            out.get((int) (i % senderCount)).send(t.sendFrame(index, body));
        }
        BitSet expected = new BitSet((int) count);
        long acked = count;
        long refused = 0;
        if (t.acknowledges()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (answered(t, from, to) < count && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(5);
            }
            acked = 0;
            for (long i = from; i < to; i++) {
                long at = t.answeredAt.get((int) i);
                if (at > 0) {
                    expected.set((int) (i - from));
                    acked++;
                } else if (at < 0) {
                    refused++;
                }
            }
        } else {
            expected.set(0, (int) count);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!caughtUp(t, receivedBefore, acked) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        long drained = System.nanoTime();
        Map<String, Double> cpuMs = cpu.perOperation(1);
        double clientMs = (clientCpuNanos() - clientCpuBefore) / 1e6;

        long deliveries = 0;
        long lost = 0;
        int incomplete = 0;
        int closed = 0;
        for (int i = 0; i < n; i++) {
            FanoutTarget.Receiver r = t.receivers.get(i);
            long missing = r.missing(expected, from, to);
            deliveries += r.gotIn(from, to);
            lost += missing;
            boolean broken = r.outOfOrder + r.gaps + r.duplicates > disorderBefore[i];
            incomplete += missing > 0 || broken ? 1 : 0;
            closed += t.receiverSockets.get(i).closeCode() != 0 ? 1 : 0;
        }
        long[] totals = disorder(t);
        double wallMs = (drained - start) / 1e6;
        // over the phase's own length, or until the last socket caught up when that was later
        double rateSeconds = Math.max(seconds, wallMs / 1000);
        Result result = new Result(t.name, label, rate, seconds, senderCount, n, deliveries, deliveries / rateSeconds,
                t.sendToReceive.getIntervalHistogram(), t.stampToReceive.getIntervalHistogram(),
                t.ackLatency.getIntervalHistogram(), lost, incomplete, totals[0] - totalsBefore[0],
                totals[1] - totalsBefore[1], totals[2] - totalsBefore[2], closed, t.acknowledges(), count, acked,
                refused, cores(cpuMs, clientMs, wallMs), EdgeBench.load());
        System.out.println(result.line());
        if (t.acknowledges()) {
            System.out.println("         CPU cores by process: " + byProcess(cpuMs, clientMs, wallMs));
        }
        if (t.errorFrames.get() > 0 && t.firstError != null) {
            System.out.printf("         %s: %d error frames so far, the first: %s%n", t.name, t.errorFrames.get(),
                    t.firstError);
        }
        TimeUnit.SECONDS.sleep(1);
        return result;
    }

    private static long answered(FanoutTarget t, long from, long to) {
        long answered = 0;
        for (long i = from; i < to; i++) {
            answered += t.answeredAt.get((int) i) != 0 ? 1 : 0;
        }
        return answered;
    }

    /** Every open receiving socket has received at least {@code expected} frames since the phase began. */
    private static boolean caughtUp(FanoutTarget t, long[] before, long expected) {
        for (int i = 0; i < before.length; i++) {
            if (t.receivers.get(i).received() - before[i] < expected && t.receiverSockets.get(i).closeCode() == 0) {
                return false;
            }
        }
        return true;
    }

    /** Out-of-order, gap and duplicate receipts over all of a target's sockets so far. */
    private static long[] disorder(FanoutTarget t) {
        long[] sum = new long[3];
        for (FanoutTarget.Receiver r : t.receivers) {
            sum[0] += r.outOfOrder;
            sum[1] += r.gaps;
            sum[2] += r.duplicates;
        }
        return sum;
    }

    /**
     * CPU over the phase in cores, by group: the cluster (its services, its Kafka broker,
     * and this JVM less the client's threads: the Mongo wire server and this JVM's GC),
     * each peer's Node process, and the client's threads.
     */
    private Map<String, Double> cores(Map<String, Double> cpuMs, double clientMs, double wallMs) {
        Map<String, Double> cores = new LinkedHashMap<>();
        double cluster = 0;
        boolean hasCluster = false;
        for (Map.Entry<String, Double> e : cpuMs.entrySet()) {
            String name = e.getKey();
            if (name.equals("socketio") || name.equals("ws")) {
                continue;
            }
            hasCluster = true;
            cluster += name.equals(launcherPid) ? Math.max(0, e.getValue() - clientMs) : e.getValue();
        }
        if (hasCluster) {
            cores.put("cluster", cluster / wallMs);
        }
        for (String peer : List.of("socketio", "ws")) {
            if (cpuMs.containsKey(peer)) {
                cores.put(peer, cpuMs.get(peer) / wallMs);
            }
        }
        cores.put("client", clientMs / wallMs);
        return cores;
    }

    /** The cluster's share per process (services, broker, the launcher less the client), busiest first. */
    private String byProcess(Map<String, Double> cpuMs, double clientMs, double wallMs) {
        StringBuilder line = new StringBuilder();
        cpuMs.entrySet().stream()
                .filter(e -> !e.getKey().equals("socketio") && !e.getKey().equals("ws"))
                .map(e -> Map.entry(e.getKey(), (e.getKey().equals(launcherPid)
                        ? Math.max(0, e.getValue() - clientMs) : e.getValue()) / wallMs))
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> line.append(line.isEmpty() ? "" : ", ").append(e.getKey())
                        .append(String.format(" %.2f", e.getValue())));
        return line.toString();
    }

    /** CPU time of the load generator's threads: the sockets' event loops, the sender (main) and the keep-alive. */
    private static long clientCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            String name = info.getThreadName();
            if (name.startsWith("bench-ws") || name.equals("main") || name.equals("keep-alive")) {
                long cpu = threads.getThreadCpuTime(info.getThreadId());
                sum += Math.max(0, cpu);
            }
        }
        return sum;
    }

    private void summary(int sockets, int seconds, int bodySize) {
        System.out.printf("%nsummary: %d receiving sockets per target, %d s per target and rate, body %d characters;"
                + " latency send->receive in ms%n", sockets, seconds, bodySize);
        System.out.println("| target | msg/s | sender sockets | deliveries/s | p50 | p99 | p99.9 | max | lost"
                + " | sockets incomplete | sends acked | CPU (cores): target / client |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Result r : results) {
            System.out.println(r.row());
        }
    }

    private static List<Integer> ints(String list) {
        List<Integer> values = new ArrayList<>();
        for (String part : list.split(",")) {
            values.add(Integer.parseInt(part.trim()));
        }
        return values;
    }

    /** A body of {@code size} ASCII characters that needs no escaping in JSON. */
    private static String text(int size) {
        StringBuilder text = new StringBuilder(size + 32);
        while (text.length() < size) {
            text.append("fan-out comparison body ");
        }
        return text.substring(0, size);
    }

    private static String ms(Histogram h) {
        return String.format("p50 %.2f p99 %.2f p99.9 %.2f max %.2f ms", h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0);
    }

    private record Result(String target, String label, int rate, int seconds, int senders, int sockets, long deliveries,
                          double deliveriesPerSecond, Histogram sendToReceive, Histogram stampToReceive,
                          Histogram ack, long lost, int incomplete, long outOfOrder, long gaps, long duplicates,
                          int closed, boolean acknowledges, long sends, long acked, long refused,
                          Map<String, Double> cores, String load) {

        String line() {
            StringBuilder cpu = new StringBuilder();
            cores.forEach((name, c) -> cpu.append(cpu.isEmpty() ? "" : " ").append(name).append(' ')
                    .append(String.format("%.2f", c)));
            String acks = acknowledges
                    ? String.format("acked %d of %d (refused %d, unacked %d), ack p50 %.2f p99 %.2f ms", acked, sends,
                    refused, sends - acked - refused, ack.getValueAtPercentile(50) / 1000.0,
                    ack.getValueAtPercentile(99) / 1000.0)
                    : "no acks in this protocol";
            return String.format("%-8s %-8s %4d msg/s x %d s, %d sockets, %d sender socket%s: %.0f deliveries/s"
                            + " (%d) | send->receive %s | server stamp->receive p50 %.2f p99 %.2f ms"
                            + " | lost %d (sockets incomplete %d; out of order %d, gaps %d, duplicates %d; closed %d)"
                            + " | %s | CPU cores %s | load %s",
                    target, label, rate, seconds, sockets, senders, senders == 1 ? "" : "s", deliveriesPerSecond,
                    deliveries, ms(sendToReceive), stampToReceive.getValueAtPercentile(50) / 1000.0,
                    stampToReceive.getValueAtPercentile(99) / 1000.0, lost, incomplete, outOfOrder, gaps, duplicates,
                    closed, acks, cpu, load);
        }

        String row() {
            return String.format("| %s | %d | %d | %.0f | %.2f | %.2f | %.2f | %.2f | %d | %d | %s | %.2f / %.2f |",
                    target, rate, senders, deliveriesPerSecond, sendToReceive.getValueAtPercentile(50) / 1000.0,
                    sendToReceive.getValueAtPercentile(99) / 1000.0, sendToReceive.getValueAtPercentile(99.9) / 1000.0,
                    sendToReceive.getMaxValue() / 1000.0, lost, incomplete,
                    acknowledges ? acked + " of " + sends : "-", cores.getOrDefault(target, 0.0),
                    cores.getOrDefault("client", 0.0));
        }
    }
}
