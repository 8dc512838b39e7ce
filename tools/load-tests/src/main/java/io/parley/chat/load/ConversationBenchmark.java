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
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;

import io.parley.chat.cluster.LocalCluster;

/**
 * The two reads every other part of the cluster leans on, for a user in many
 * conversations: the membership check (message-service and the edge ask it before
 * sends, subscribes and history, on a cache miss) and the caller's conversation list
 * (the first screen of every client).
 *
 * <p>Starts the whole cluster on free ports, registers two users through the gateway,
 * creates {@code conversations} GROUP conversations that both are in, then measures,
 * one request at a time against conversation-service directly (the gateway's hop is not
 * what is measured): the membership check of a random one of them, and the first page
 * (50) of the list, and prints p50/p99. Usage:
 * {@code tools/load-tests/bench ConversationBenchmark [conversations=1000] [samples=2000]}
 */
public final class ConversationBenchmark {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final Pattern TOKEN = Pattern.compile("\"accessToken\":\"([^\"]+)\"");

    private ConversationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int conversations = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        Path root = Path.of(System.getProperty("parley.root", ".")).toAbsolutePath().normalize();
        try (LocalCluster cluster = LocalCluster.start(new LocalCluster.Options(root,
                root.resolve("tools/load-tests/target/cluster"), false, false, Map.of(),
                LocalCluster.Options.DEFAULT_JVM_OPTIONS, Duration.ofSeconds(240), System.out))) {
            String gateway = cluster.gatewayUrl();
            String service = "http://127.0.0.1:" + cluster.port("conversation-service");
            String alice = login(gateway, "alice")[1];
            String[] bobLogin = login(gateway, "bob");
            String bobId = bobLogin[0];
            String bob = bobLogin[1];

            long started = System.nanoTime();
            List<String> ids = new ArrayList<>(conversations);
            for (int i = 0; i < conversations; i++) {
                String body = "{\"type\":\"GROUP\",\"title\":\"bench " + i + "\",\"memberIds\":[\"" + bobId + "\"]}";
                ids.add(match(ID, expect(call("POST", service + "/api/v1/conversations", alice, body), 201)));
            }
            System.out.printf("created %d conversations with the user in them in %.1f s%n", conversations,
                    (System.nanoTime() - started) / 1e9);

            Histogram membership = measure(samples, () -> service + "/internal/v1/conversations/"
                    + ids.get(ThreadLocalRandom.current().nextInt(ids.size())) + "/membership", bob);
            Histogram list = measure(samples / 4, () -> service + "/api/v1/conversations?limit=50", bob);
            Histogram listGateway = measure(samples / 4, () -> gateway + "/api/v1/conversations?limit=50", bob);

            System.out.println("user in " + conversations + " conversations, sequential requests, "
                    + Runtime.getRuntime().availableProcessors() + " cores");
            System.out.println("membership check (conversation-service): " + Percentiles.describe(membership));
            System.out.println("conversation list, first 50 (conversation-service): " + Percentiles.describe(list));
            System.out.println("conversation list, first 50 (through the gateway): " + Percentiles.describe(listGateway));
        }
    }

    private interface Target {
        String url();
    }

    /** A warm-up of a quarter of the samples (JIT, connection pool), then the measured ones. */
    private static Histogram measure(int samples, Target target, String token) throws Exception {
        for (int i = 0; i < samples / 4; i++) {
            expect(call("GET", target.url(), token, null), 200);
        }
        Histogram histogram = Percentiles.histogram();
        for (int i = 0; i < samples; i++) {
            String url = target.url();
            long start = System.nanoTime();
            HttpResponse<String> response = call("GET", url, token, null);
            histogram.recordValue((System.nanoTime() - start) / 1000);
            expect(response, 200);
        }
        return histogram;
    }

    /** Registers a user in the seeded tenant: {id, access token}. */
    private static String[] login(String gateway, String name) throws Exception {
        String username = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        String credentials = "\"tenant\":\"default\",\"username\":\"" + username + "\",\"password\":\"pw-"
                + username + "-long-enough\"";
        String id = match(ID, expect(call("POST", gateway + "/api/v1/auth/register", null,
                "{" + credentials + ",\"displayName\":\"" + name + "\"}"), 201));
        return new String[] {id,
                match(TOKEN, expect(call("POST", gateway + "/api/v1/auth/login", null, "{" + credentials + "}"), 200))};
    }

    private static HttpResponse<String> call(String method, String url, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().method() + " " + response.request().uri() + ": expected "
                    + status + " but was " + response.statusCode());
        }
        return response.body();
    }

    private static String match(Pattern pattern, String body) {
        Matcher matcher = pattern.matcher(body);
        if (!matcher.find()) {
            throw new IllegalStateException("unexpected answer shape");
        }
        return matcher.group(1);
    }
}
