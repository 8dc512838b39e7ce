package io.parley.chat.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.buffer.ByteBuf;
import io.parley.chat.cluster.LocalCluster;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * What an idle connection costs the edge: {@code sockets} authenticated sockets that only
 * ping, held open on one edge, and the edge's resident memory and live heap (after a full
 * GC) before and after, per connection. The class histogram's growth shows which objects
 * make up the per-connection heap.
 *
 * <p>Usage: {@code tools/load-tests/bench EdgeIdleBenchmark [key=value...]}:
 * <ul>
 * <li>{@code sockets=15000}: idle sockets (this process holds one file descriptor for each,
 *     the edge another: both must stay under {@code ulimit -n});</li>
 * <li>{@code users=4}: users they belong to; {@code ping=60}: seconds between a socket's
 *     pings (the edge closes a socket silent for 120 s); {@code settle=20}: seconds to wait
 *     once all are open, before measuring; {@code threads=2}: client event-loop threads;</li>
 * <li>{@code gateway=http://host:port edge=ws://host:port/ws pid=N}: attach to a running
 *     cluster and measure the edge with that process id.</li>
 * </ul>
 * The services run with the local cluster's default JVM options; {@code BENCH_JVM_OPTS}
 * adds to them (e.g. {@code -Dio.netty.allocator.type=unpooled}).
 */
public final class EdgeIdleBenchmark {

    private static final Pattern HEAP_USED = Pattern.compile("total (\\d+)K, used (\\d+)K");
    private static final Pattern HISTOGRAM_ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");
    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$");

    private EdgeIdleBenchmark() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = EdgeBench.arguments(argv);
        int sockets = EdgeBench.intArg(args, "sockets", 15_000);
        int users = EdgeBench.intArg(args, "users", args.containsKey("gateway") ? (sockets + 19) / 20 : 4);
        int ping = EdgeBench.intArg(args, "ping", 60);
        int settle = EdgeBench.intArg(args, "settle", 20);
        int threads = EdgeBench.intArg(args, "threads", 2);
        List<String> jvmOptions = new ArrayList<>(LocalCluster.Options.DEFAULT_JVM_OPTIONS);
        String extra = System.getenv("BENCH_JVM_OPTS");
        if (extra != null && !extra.isBlank()) {
            jvmOptions.addAll(List.of(extra.trim().split("\\s+")));
        }
        System.out.printf("EdgeIdleBenchmark: %d idle sockets of %d users, ping every %d s, %d cores, load %s%n",
                sockets, users, ping, Runtime.getRuntime().availableProcessors(), EdgeBench.load());
        try (EdgeBench.Target target = EdgeBench.target(args, jvmOptions)) {
            long pid = target.edgePid();
            if (pid <= 0) {
                throw new IllegalStateException("the edge's process id is unknown: pass pid=N when attaching");
            }
            List<EdgeBench.User> accounts = EdgeBench.users(target.gateway(), users);
            HttpClient client = LeanSocket.client(threads);
            AtomicLong errors = new AtomicLong();
            LeanSocket.FrameHandler handler = (socket, payload) -> countErrors(payload, errors);

            // first connections load classes and fill pools: not a per-connection cost, so not in the baseline
            List<LeanSocket> warm = open(client, target.edge(), accounts, 200, handler, new ArrayList<>());
            warm.forEach(LeanSocket::close);
            EdgeBench.pause(Duration.ofSeconds(3));

            Snapshot before = Snapshot.take(pid);
            System.out.printf("before: %s; load %s%n", before, EdgeBench.load());
            long started = System.nanoTime();
            // pinged from the start: opening 15,000 takes longer than the edge's idle timeout
            List<LeanSocket> open = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread pinger = EdgeBench.keepAlive(open, Duration.ofSeconds(ping));
            open(client, target.edge(), accounts, sockets, handler, open);
            double openSeconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("opened %d sockets in %.1f s (%.0f/s)%n", open.size(), openSeconds, open.size() / openSeconds);
            try {
                // what holding the sockets costs: the clock's walks, pings, and each socket's presence heartbeat
                CpuMeter cpu = CpuMeter.start(target.pids());
                EdgeBench.pause(Duration.ofSeconds(settle));
                if (!target.pids().isEmpty()) {
                    cpu.print("second of holding them idle", settle);
                }
                long live = open.stream().filter(s -> s.closeCode() == 0).count();
                Snapshot after = Snapshot.take(pid);
                System.out.printf("after:  %s; load %s%n", after, EdgeBench.load());
                System.out.printf("%d of %d sockets still open, %d error frames%n", live, open.size(), errors.get());
                report(before, after, live);
            } finally {
                pinger.interrupt();
                open.forEach(LeanSocket::close);
            }
        }
    }

    private static void countErrors(ByteBuf payload, AtomicLong errors) {
        if (LeanSocket.startsWith(payload, LeanSocket.ascii("{\"type\":\"error\""))) {
            errors.incrementAndGet();
        }
    }

    private static List<LeanSocket> open(HttpClient client, String edge, List<EdgeBench.User> users, int count,
                                         LeanSocket.FrameHandler handler, List<LeanSocket> pinged) {
        AtomicLong failed = new AtomicLong();
        List<LeanSocket> batch = new ArrayList<>();
        Flux.range(0, count)
                .flatMap(i -> LeanSocket.connect(client, edge, users.get(i % users.size()).token(), handler)
                        .onErrorResume(e -> {
                            if (failed.incrementAndGet() <= 3) {
                                System.out.println("  a socket did not open: " + e);
                            }
                            return Mono.empty();
                        }), 100)
                .buffer(500)
                .doOnNext(opened -> {
                    batch.addAll(opened);
                    pinged.addAll(opened);
                })
                .blockLast();
        if (failed.get() > 0) {
            System.out.printf("  %d of %d sockets did not open%n", failed.get(), count);
        }
        return batch;
    }

    private static void report(Snapshot before, Snapshot after, long connections) {
        if (connections == 0) {
            return;
        }
        System.out.printf("per idle connection: RSS %+.1f KB, live heap after GC %+.1f KB (heap_info used %+.1f KB)%n",
                (after.rssKiB - before.rssKiB) * 1.0 / connections,
                (after.histogramBytes - before.histogramBytes) / 1024.0 / connections,
                (after.heapUsedKiB - before.heapUsedKiB) * 1.0 / connections);
        System.out.println("heap growth per connection by class (largest first):");
        after.classes.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), new long[] {
                        e.getValue()[0] - before.classes.getOrDefault(e.getKey(), new long[2])[0],
                        e.getValue()[1] - before.classes.getOrDefault(e.getKey(), new long[2])[1]}))
                .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
                .limit(25)
                .forEach(e -> System.out.printf("  %8.0f B  %6.2f objects  %s%n", e.getValue()[1] * 1.0 / connections,
                        e.getValue()[0] * 1.0 / connections, e.getKey()));
    }

    /** The edge's memory at one moment, after a full GC. */
    private record Snapshot(long rssKiB, long heapUsedKiB, long histogramBytes, Map<String, long[]> classes) {

        static Snapshot take(long pid) throws Exception {
            EdgeBench.jcmd(pid, "GC.run");
            // the class histogram collects too (it counts live objects only)
            String histogram = EdgeBench.jcmd(pid, "GC.class_histogram");
            Map<String, long[]> classes = new HashMap<>();
            long total = 0;
            for (String line : histogram.split("\n")) {
                Matcher row = HISTOGRAM_ROW.matcher(line);
                if (row.matches()) {
                    classes.merge(row.group(3), new long[] {Long.parseLong(row.group(1)), Long.parseLong(row.group(2))},
                            (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
                }
                Matcher sum = HISTOGRAM_TOTAL.matcher(line.trim());
                if (sum.matches()) {
                    total = Long.parseLong(sum.group(2));
                }
            }
            long used = 0;
            Matcher heap = HEAP_USED.matcher(EdgeBench.jcmd(pid, "GC.heap_info"));
            while (heap.find()) {
                used += Long.parseLong(heap.group(2));
            }
            EdgeBench.pause(Duration.ofSeconds(1));
            return new Snapshot(EdgeBench.rssKiB(pid), used, total, classes);
        }

        @Override
        public String toString() {
            return String.format("edge RSS %d MiB, heap used after GC %d MiB (live objects %d MiB)", rssKiB / 1024,
                    heapUsedKiB / 1024, histogramBytes / 1024 / 1024);
        }
    }
}
