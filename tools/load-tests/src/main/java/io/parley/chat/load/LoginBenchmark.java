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


import io.parley.chat.cluster.LocalCluster;

/**
 * Login throughput of one auth-service replica: starts the cluster on free ports, registers
 * {@code users} users, then {@code clients} concurrent clients log in round-robin for
 * {@code seconds} after a warm-up, straight at auth-service (no gateway hop).
 *
 * <p>Usage: {@code tools/load-tests/bench LoginBenchmark [users=20] [clients=4] [seconds=30] [warmup=10]}
 */
public final class LoginBenchmark {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private LoginBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int users = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        Path root = Path.of(System.getProperty("parley.root", ".")).toAbsolutePath().normalize();
        try (LocalCluster cluster = LocalCluster.start(new LocalCluster.Options(root,
                root.resolve("tools/load-tests/target/cluster"), false, false, Map.of(),
                LocalCluster.Options.DEFAULT_JVM_OPTIONS, Duration.ofSeconds(240), System.out))) {
            String auth = "http://127.0.0.1:" + cluster.port("auth-service");
            List<String> bodies = register(auth, users);
            System.out.printf("registered %d users; warm-up %d s%n", users, warmup);
            drive(auth, bodies, clients, Duration.ofSeconds(warmup));
            ClosedLoop.Result result = drive(auth, bodies, clients, Duration.ofSeconds(seconds));
            System.out.printf("logins: clients=%d duration=%ds ok=%d failed=%d -> %.1f logins/s%n", clients, seconds,
                    result.histogram().getTotalCount(), result.failed(),
                    result.histogram().getTotalCount() / (double) seconds);
            System.out.println("latency: " + Percentiles.describe(result.histogram()));
        }
    }

    private static List<String> register(String auth, int users) throws Exception {
        List<String> loginBodies = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            String username = "bench-" + UUID.randomUUID().toString().substring(0, 8);
            String password = "bench pw " + UUID.randomUUID();
            int status = post(auth + "/api/v1/auth/register", "{\"tenant\":\"default\",\"username\":\"" + username
                    + "\",\"password\":\"" + password + "\",\"displayName\":\"Bench " + i + "\"}");
            if (status != 201) {
                throw new IllegalStateException("register answered " + status);
            }
            loginBodies.add("{\"tenant\":\"default\",\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
        }
        return loginBodies;
    }

    private static ClosedLoop.Result drive(String auth, List<String> bodies, int clients, Duration duration) throws Exception {
        return ClosedLoop.run(clients, duration, i -> post(auth + "/api/v1/auth/login", bodies.get(i % bodies.size())) == 200);
    }

    private static int post(String url, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
