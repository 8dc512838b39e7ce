package io.parley.chat.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.IntStream;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.bson.Document;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;

import io.parley.chat.cluster.LocalCluster;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * How fast message-service stores sends, next to how fast the store itself can take a
 * seq and insert, measured in one run on one machine:
 *
 * <ol>
 * <li>raw store rate: {@code findAndModify $inc} on a counter plus an insert of a
 *     message-shaped document, straight to the same Mongo server, from N threads;</li>
 * <li>sustained sends/s: N concurrent clients POSTing to message-service as fast as it answers;</li>
 * <li>ack latency at a fixed rate (default 500/s), open loop: each send is timed from
 *     when it was due, not from when it went out, so a stall shows in the percentiles.</li>
 * </ol>
 *
 * Usage: {@code tools/load-tests/bench MessageSendBenchmark [seconds=20] [rate=500] [concurrency=32]}
 */
public final class MessageSendBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(8)).build();

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        Path root = Path.of(System.getProperty("parley.root", ".")).toAbsolutePath();
        System.out.printf("MessageSendBenchmark: %d s per phase, %d sends/s fixed rate, concurrency %d, %d cores%n",
                seconds, rate, concurrency, Runtime.getRuntime().availableProcessors());
        try (LocalCluster cluster = LocalCluster.start(new LocalCluster.Options(root, root.resolve("tools/load-tests/target/cluster"),
                false, false, storeEnvironment(), jvmOptions(), Duration.ofSeconds(180),
                System.out))) {
            String gateway = cluster.gatewayUrl();
            String token = login(gateway);
            String conversation = createConversation(gateway, token);
            String messages = "http://127.0.0.1:" + cluster.port("message-service") + "/api/v1/conversations/"
                    + conversation + "/messages";

            double raw = rawStoreRate(cluster.mongoUri(), concurrency, seconds);
            System.out.printf("raw store (seq + insert):   %8.0f ops/s%n", raw);

            closedLoop(messages, token, concurrency, Math.max(5, seconds / 2), "warm-up", new AtomicLong());
            CpuMeter cpu = CpuMeter.start(cluster.pids());
            AtomicLong sent = new AtomicLong();
            double sustained = closedLoop(messages, token, concurrency, seconds, "sustained", sent);
            cpu.print("acked send", sent.get());
            System.out.printf("service sends (HTTP, acked): %8.0f sends/s = %.2f of the raw store rate%n", sustained,
                    sustained / raw);

            Histogram latency = openLoop(messages, token, rate, seconds);
            System.out.printf("ack latency at %d sends/s:   %s%n", rate, Percentiles.describe(latency));
        }
    }

    /**
     * BENCH_MONGO_URI points the services and the raw store phase at another MongoDB (a real
     * one, wherever Docker runs it) instead of the launcher's in-memory wire server. That
     * store's CPU is then not in the per-send figures.
     */
    static Map<String, String> storeEnvironment() {
        String uri = System.getenv("BENCH_MONGO_URI");
        return uri == null || uri.isBlank() ? Map.of() : Map.of("MONGO_URI", uri);
    }

    /** Full JIT for steady-state figures; BENCH_JVM_OPTS adds to them (e.g. -Dchat.message.sweep-interval=1h). */
    static List<String> jvmOptions() {
        List<String> options = new ArrayList<>(List.of("-XX:+UseParallelGC", "-Xms256m", "-Xmx768m"));
        String extra = System.getenv("BENCH_JVM_OPTS");
        if (extra != null && !extra.isBlank()) {
            options.addAll(List.of(extra.trim().split("\\s+")));
        }
        return options;
    }

    /** The store's own ceiling for what a send must do: take a seq, insert the entry. */
    static double rawStoreRate(String mongoUri, int threads, int seconds) throws Exception {
        try (MongoClient client = MongoClients.create(mongoUri)) {
            MongoCollection<Document> counters = client.getDatabase("rawbench").getCollection("counters");
            MongoCollection<Document> entries = client.getDatabase("rawbench").getCollection("messages");
            String conversation = "raw-" + UUID.randomUUID();
            AtomicLong done = new AtomicLong();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            List<CompletableFuture<Void>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(CompletableFuture.runAsync(() -> {
                    while (System.nanoTime() < end) {
                        Document counter = counters.findOneAndUpdate(new Document("_id", conversation),
                                new Document("$inc", new Document("seq", 1L)),
                                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
                        entries.insertOne(new Document("_id", UUID.randomUUID().toString())
                                .append("conversationId", conversation).append("seq", counter.get("seq"))
                                .append("senderId", "u").append("clientMsgId", UUID.randomUUID().toString())
                                .append("body", "benchmark message body of ordinary length")
                                .append("createdAt", new Date()).append("published", false));
                        done.incrementAndGet();
                    }
                }, Executors.newSingleThreadExecutor()));
            }
            long start = System.nanoTime();
            CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).join();
            double rate = done.get() / ((System.nanoTime() - start) / 1e9);
            // Hundreds of thousands of documents that are not the service's: left in the wire
            // server's heap (this JVM), they would lengthen every GC pause of the phases that follow.
            client.getDatabase("rawbench").drop();
            System.gc(); // and out of the heap now, not in the middle of a measured phase
            return rate;
        }
    }

    static double closedLoop(String url, String token, int concurrency, int seconds, String label, AtomicLong ok) {
        AtomicLong failed = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < concurrency; c++) {
            loops.add(loop(url, token, end, ok, failed));
        }
        CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).join();
        double rate = ok.get() / ((System.nanoTime() - start) / 1e9);
        System.out.printf("  %-9s %d acked, %d failed, %.0f sends/s%n", label, ok.get(), failed.get(), rate);
        return rate;
    }

    private static CompletableFuture<Void> loop(String url, String token, long end, AtomicLong ok, AtomicLong failed) {
        if (System.nanoTime() >= end) {
            return CompletableFuture.completedFuture(null);
        }
        return send(url, token).thenCompose(status -> {
            (status == 201 ? ok : failed).incrementAndGet();
            return loop(url, token, end, ok, failed);
        });
    }

    static Histogram openLoop(String url, String token, int rate, int seconds) throws Exception {
        Recorder recorder = new Recorder(3);
        AtomicLong failed = new AtomicLong();
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        long total = (long) rate * seconds;
        long start = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        SlowSeconds slow = new SlowSeconds(seconds + 1);
        List<CompletableFuture<Void>> inFlight = new ArrayList<>();
        for (long i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            int second = (int) (i / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            inFlight.add(send(url, token).thenAccept(status -> {
                if (status == 201) {
                    long micros = Math.max(1, (System.nanoTime() - due) / 1000);
                    recorder.recordValue(micros);
                    slow.record(second, micros);
                } else {
                    failed.incrementAndGet();
                }
            }));
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
        Histogram h = recorder.getIntervalHistogram();
        System.out.printf("  fixed rate: %d sent in %.1f s, %d failed%n", total, (System.nanoTime() - start) / 1e9, failed.get());
        slow.print(startMillis, 6);
        return h;
    }

    /**
     * Where in time the tail came from: each second's slowest send and how many took over
     * 30 ms, printed for the worst seconds with their wall-clock time, to set beside the
     * GC logs and the services' logs of the same run.
     */
    private static final class SlowSeconds {

        private static final long SLOW_MICROS = 30_000;
        private final AtomicLongArray max;
        private final AtomicLongArray over;

        SlowSeconds(int seconds) {
            this.max = new AtomicLongArray(seconds);
            this.over = new AtomicLongArray(seconds);
        }

        void record(int second, long micros) {
            max.accumulateAndGet(second, micros, Math::max);
            if (micros > SLOW_MICROS) {
                over.incrementAndGet(second);
            }
        }

        void print(long startMillis, int count) {
            DateTimeFormatter clock = DateTimeFormatter.ofPattern("HH:mm:ss")
                    .withZone(ZoneOffset.UTC);
            StringBuilder line = new StringBuilder("  slowest seconds (UTC, max, sends over 30 ms):");
            IntStream.range(0, max.length()).boxed()
                    .sorted((a, b) -> Long.compare(max.get(b), max.get(a))).limit(count)
                    .forEach(s -> line.append(String.format(" %s %.0fms/%d", clock.format(
                            Instant.ofEpochMilli(startMillis + s * 1000L)), max.get(s) / 1000.0, over.get(s))));
            long total = IntStream.range(0, over.length()).mapToLong(over::get).sum();
            long seconds = IntStream.range(0, over.length()).filter(s -> over.get(s) > 0).count();
            System.out.println(line.append(String.format("; %d sends over 30 ms in %d of the seconds", total, seconds)));
        }
    }

    /**
     * One send over Reactor Netty's client: the JDK's HttpClient cost the load generator 0.30 ms
     * of CPU a send, more than the Mongo wire server, on the cores the cluster runs on.
     */
    private static CompletableFuture<Integer> send(String url, String token) {
        String body = "{\"clientMsgId\":\"" + UUID.randomUUID() + "\",\"body\":\"benchmark message body of ordinary length\"}";
        return SENDERS.computeIfAbsent(token, t -> NETTY.headers(h -> h.set("Authorization", "Bearer " + t)
                        .set("Content-Type", "application/json")))
                .post().uri(url)
                .send(ByteBufFlux.fromString(Mono.just(body)))
                .responseSingle((response, content) -> content.then(Mono.just(response.status().code()))
                        .defaultIfEmpty(response.status().code()))
                .onErrorReturn(-1)
                .toFuture();
    }

    private static final reactor.netty.http.client.HttpClient NETTY = reactor.netty.http.client.HttpClient.create(
            ConnectionProvider.builder("bench").maxConnections(256)
                    .pendingAcquireMaxCount(-1).build());
    private static final Map<String, reactor.netty.http.client.HttpClient> SENDERS =
            new ConcurrentHashMap<>();

    static String login(String gateway) throws Exception {
        String user = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        String credentials = "{\"tenant\":\"default\",\"username\":\"" + user + "\",\"password\":\"bench-" + UUID.randomUUID() + "\"";
        post(gateway + "/api/v1/auth/register", null, credentials + ",\"displayName\":\"Bench\"}");
        return post(gateway + "/api/v1/auth/login", null, credentials + "}").get("accessToken").asString();
    }

    static String createConversation(String gateway, String token) throws Exception {
        return post(gateway + "/api/v1/conversations", token, "{\"type\":\"GROUP\",\"title\":\"bench\",\"memberIds\":[]}")
                .get("id").asString();
    }

    static JsonNode post(String url, String token, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

}
