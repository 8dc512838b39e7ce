package io.parley.chat.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;

import io.parley.chat.cluster.LocalCluster;

/**
 * What the gateway adds to a request: the same authenticated GET
 * ({@code /api/v1/conversations?limit=20} of a user with no conversations, so the service's
 * own work is small and the hop shows) sent straight to conversation-service and through the
 * gateway, interleaved one by one in the same run so that both see the same machine load,
 * JIT state and Mongo. Then the gateway's throughput: concurrent clients send the same GET
 * through it as fast as it answers, at rising concurrency, and the best rate is its maximum
 * on this machine (the service behind it shares the machine, so this is the pair's maximum).
 *
 * <p>The gateway runs as in production: JWT check, Redis rate limit (limits raised so that
 * no request is refused, the Redis round trip stays), security headers, request id, access log.
 *
 * <p>Usage: {@code tools/load-tests/bench GatewayLatencyBenchmark [samples=4000] [seconds=15]}
 */
public final class GatewayLatencyBenchmark {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern TOKEN = Pattern.compile("\"accessToken\":\"([^\"]+)\"");
    private static final String PATH = "/api/v1/conversations?limit=20";
    private static final int[] CONCURRENCY = {4, 16, 64};

    private GatewayLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        Path root = Path.of(System.getProperty("parley.root", ".")).toAbsolutePath().normalize();
        List<String> jvm = new ArrayList<>(LocalCluster.Options.DEFAULT_JVM_OPTIONS);
        // the limiter still runs (and costs its Redis round trip) but never refuses the benchmark's one user
        jvm.add("-DRATE_LIMIT_USER_CAPACITY=1000000000");
        jvm.add("-DRATE_LIMIT_USER_PER_SECOND=1000000000");
        try (LocalCluster cluster = LocalCluster.start(new LocalCluster.Options(root,
                root.resolve("tools/load-tests/target/cluster"), false, false, Map.of(),
                jvm, Duration.ofSeconds(240), System.out))) {
            String gateway = cluster.gatewayUrl() + PATH;
            String direct = "http://127.0.0.1:" + cluster.port("conversation-service") + PATH;
            String token = login(cluster.gatewayUrl());

            for (int i = 0; i < samples / 2; i++) {
                expect(get(direct, token));
                expect(get(gateway, token));
            }
            Histogram viaDirect = Percentiles.histogram();
            Histogram viaGateway = Percentiles.histogram();
            for (int i = 0; i < samples; i++) {
                // alternate which goes first, so neither always runs on a cache the other warmed
                if (i % 2 == 0) {
                    time(direct, token, viaDirect);
                    time(gateway, token, viaGateway);
                } else {
                    time(gateway, token, viaGateway);
                    time(direct, token, viaDirect);
                }
            }

            System.out.println("GET " + PATH + ", sequential, interleaved, "
                    + Runtime.getRuntime().availableProcessors() + " cores");
            System.out.println("direct to conversation-service: " + Percentiles.describe(viaDirect));
            System.out.println("through the gateway:            " + Percentiles.describe(viaGateway));
            System.out.printf("added by the gateway: p50 %+.2f ms, p99 %+.2f ms%n",
                    (viaGateway.getValueAtPercentile(50) - viaDirect.getValueAtPercentile(50)) / 1000.0,
                    (viaGateway.getValueAtPercentile(99) - viaDirect.getValueAtPercentile(99)) / 1000.0);

            double best = 0;
            for (int clients : CONCURRENCY) {
                double viaGatewayRate = throughput(gateway, token, clients, seconds);
                double directRate = throughput(direct, token, clients, seconds);
                best = Math.max(best, viaGatewayRate);
                System.out.printf("throughput, %d clients, %d s each: gateway %.0f req/s, direct %.0f req/s%n",
                        clients, seconds, viaGatewayRate, directRate);
            }
            System.out.printf("gateway max throughput: %.0f req/s%n", best);
        }
    }

    private static void time(String url, String token, Histogram into) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = get(url, token);
        into.recordValue((System.nanoTime() - start) / 1000);
        expect(response);
    }

    /** Requests per second that {@code clients} closed-loop clients get answered with 200 in {@code seconds}. */
    private static double throughput(String url, String token, int clients, int seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicLong ok = new AtomicLong();
        Map<String, AtomicLong> failed = new ConcurrentHashMap<>();
        long warmEnd = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        long end = warmEnd + Duration.ofSeconds(seconds).toNanos();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                running.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        boolean counted = System.nanoTime() >= warmEnd;
                        try {
                            int status = get(url, token).statusCode();
                            if (counted) {
                                (status == 200 ? ok : failed.computeIfAbsent(String.valueOf(status), s -> new AtomicLong()))
                                        .incrementAndGet();
                            }
                        } catch (Exception e) {
                            if (counted) {
                                failed.computeIfAbsent(e.getClass().getSimpleName(), s -> new AtomicLong()).incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> client : running) {
                client.get();
            }
        } finally {
            pool.shutdownNow();
        }
        if (!failed.isEmpty()) {
            System.out.printf("  (not 200 from %s: %s)%n", url, failed);
        }
        return ok.get() / (double) seconds;
    }

    private static String login(String gateway) throws Exception {
        String username = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        String credentials = "\"tenant\":\"default\",\"username\":\"" + username + "\",\"password\":\"pw-"
                + username + "-long-enough\"";
        expect(post(gateway + "/api/v1/auth/register", "{" + credentials + ",\"displayName\":\"Bench\"}"), 201);
        Matcher token = TOKEN.matcher(expect(post(gateway + "/api/v1/auth/login", "{" + credentials + "}"), 200));
        if (!token.find()) {
            throw new IllegalStateException("login answered without an access token");
        }
        return token.group(1);
    }

    private static HttpResponse<String> get(String url, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String url, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpResponse<String> response) {
        expect(response, 200);
    }

    private static String expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().method() + " " + response.request().uri() + ": expected "
                    + status + " but was " + response.statusCode());
        }
        return response.body();
    }
}
