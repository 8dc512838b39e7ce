package io.parley.chat.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;


import io.parley.chat.cluster.LocalCluster;
import io.parley.chat.testkit.EmbeddedRedis;

/**
 * Heartbeats per second sustained by one presence-service replica against a real
 * redis-server, and Redis memory per online session. Starts the cluster on free ports
 * with a redis-server of its own (so that {@code INFO memory} sees presence's keys and
 * nothing else), registers {@code users} users and logs each in for a token, then:
 * <ol>
 * <li>memory: {@code used_memory} before, after each user connects one session (bytes per
 * online user with one session), and after each connects {@code extra} more (bytes per
 * further session of an online user);</li>
 * <li>throughput: {@code clients} concurrent clients heartbeat those sessions round-robin
 * ({@code PUT /internal/v1/presence/sessions/{id}}, straight at presence-service as the
 * edge calls it) for {@code seconds} after a warm-up.</li>
 * </ol>
 *
 * <p>Usage: {@code tools/load-tests/bench PresenceBenchmark [users=300] [extra=3] [clients=8] [seconds=30] [warmup=10]}
 */
public final class PresenceBenchmark {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"accessToken\"\\s*:\\s*\"([^\"]+)\"");

    private PresenceBenchmark() {
    }

    record Session(String token, String sessionId) {
    }

    public static void main(String[] args) throws Exception {
        int users = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int extra = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 30;
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        Path root = Path.of(System.getProperty("parley.root", ".")).toAbsolutePath().normalize();
        Path dataDir = root.resolve("tools/load-tests/target/cluster");
        try (EmbeddedRedis redis = EmbeddedRedis.start(0, dataDir.resolve("bench-redis"));
             LocalCluster cluster = LocalCluster.start(new LocalCluster.Options(root, dataDir, false, false,
                     Map.of("REDIS_HOST", redis.host(), "REDIS_PORT", String.valueOf(redis.port())),
                     LocalCluster.Options.DEFAULT_JVM_OPTIONS, Duration.ofSeconds(300), System.out))) {
            String auth = "http://127.0.0.1:" + cluster.port("auth-service");
            String presence = "http://127.0.0.1:" + cluster.port("presence-service");
            List<String> tokens = tokens(auth, users, clients);
            System.out.printf("registered and logged in %d users%n", users);

            long before = usedMemory(redis);
            List<Session> first = new ArrayList<>();
            tokens.forEach(t -> first.add(new Session(t, "s0")));
            connectAll(presence, first, clients);
            long afterOne = usedMemory(redis);
            List<Session> more = new ArrayList<>();
            for (int s = 1; s <= extra; s++) {
                for (String t : tokens) {
                    more.add(new Session(t, "s" + s));
                }
            }
            connectAll(presence, more, clients);
            long afterAll = usedMemory(redis);
            System.out.printf("redis used_memory: before=%d, %d users x 1 session=%d (+%.0f B per online user), "
                            + "+%d sessions=%d (+%.0f B per further session)%n",
                    before, users, afterOne, (afterOne - before) / (double) users, more.size(), afterAll,
                    extra == 0 ? 0.0 : (afterAll - afterOne) / (double) more.size());

            List<Session> all = new ArrayList<>(first);
            all.addAll(more);
            Collections.shuffle(all);
            System.out.printf("heartbeating %d sessions; warm-up %d s%n", all.size(), warmup);
            drive(presence, all, clients, Duration.ofSeconds(warmup));
            ClosedLoop.Result result = drive(presence, all, clients, Duration.ofSeconds(seconds));
            System.out.printf("heartbeats: clients=%d duration=%ds ok=%d failed=%d -> %.0f heartbeats/s%n", clients,
                    seconds, result.histogram().getTotalCount(), result.failed(),
                    result.histogram().getTotalCount() / (double) seconds);
            System.out.println("latency: " + Percentiles.describe(result.histogram()));
            System.out.println("resident memory after the run (MiB): " + cluster.memory());
        }
    }

    private static List<String> tokens(String auth, int users, int clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                int n = i;
                futures.add(pool.submit(() -> register(auth, n)));
            }
            List<String> tokens = new ArrayList<>();
            for (Future<String> future : futures) {
                tokens.add(future.get());
            }
            return tokens;
        } finally {
            pool.shutdown();
        }
    }

    private static String register(String auth, int n) throws Exception {
        String username = "pb-" + UUID.randomUUID().toString().substring(0, 8);
        String password = "bench pw " + UUID.randomUUID();
        HttpResponse<String> registered = send(auth + "/api/v1/auth/register", "POST", "{\"tenant\":\"default\",\"username\":\""
                + username + "\",\"password\":\"" + password + "\",\"displayName\":\"Bench " + n + "\"}", null);
        if (registered.statusCode() != 201) {
            throw new IllegalStateException("register answered " + registered.statusCode());
        }
        HttpResponse<String> login = send(auth + "/api/v1/auth/login", "POST",
                "{\"tenant\":\"default\",\"username\":\"" + username + "\",\"password\":\"" + password + "\"}", null);
        Matcher m = ACCESS_TOKEN.matcher(login.body());
        if (login.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("login answered " + login.statusCode());
        }
        return m.group(1);
    }

    private static void connectAll(String presence, List<Session> sessions, int clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (Session s : sessions) {
                futures.add(pool.submit(() -> heartbeat(presence, s)));
            }
            for (Future<Integer> future : futures) {
                if (future.get() != 204) {
                    throw new IllegalStateException("connect answered " + future.get());
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    private static ClosedLoop.Result drive(String presence, List<Session> sessions, int clients, Duration duration) throws Exception {
        return ClosedLoop.run(clients, duration, i -> heartbeat(presence, sessions.get(i % sessions.size())) == 204);
    }

    private static int heartbeat(String presence, Session session) throws Exception {
        return send(presence + "/internal/v1/presence/sessions/" + session.sessionId(), "PUT",
                "{\"edgeId\":\"bench-edge\"}", session.token()).statusCode();
    }

    private static HttpResponse<String> send(String url, String method, String json, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code used_memory} from {@code INFO memory}, over a plain RESP socket (no client library needed). */
    private static long usedMemory(EmbeddedRedis redis) throws IOException {
        try (Socket socket = new Socket(redis.host(), redis.port())) {
            OutputStream out = socket.getOutputStream();
            out.write("*2\r\n$4\r\nINFO\r\n$6\r\nmemory\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("used_memory:")) {
                    return Long.parseLong(line.substring("used_memory:".length()).trim());
                }
            }
            throw new IOException("no used_memory in INFO memory");
        }
    }
}
