package io.parley.chat.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Many users and one big conversation, made through the gateway's REST API as clients
 * make them, with the gateway's limits left as they are: a 429 or 503 is retried after
 * its {@code Retry-After}, as a client does. The anonymous auth quota (60 at once, then
 * 10 a second per client address) holds a thousand users' registrations and logins to at
 * least 200 s, and BCrypt at strength 11 on two busy cores may be slower still. Tokens
 * stay in memory and are never printed.
 */
final class GatewaySetup {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String gateway;
    private final AtomicLong refusals = new AtomicLong();
    private volatile long loginsStarted;

    GatewaySetup(String gateway) {
        this.gateway = gateway;
    }

    record User(String id, String token) {
    }

    /** System.nanoTime() when the first login went out: the oldest token is that old. */
    long loginsStarted() {
        return loginsStarted;
    }

    /** Retried 429 and 503 answers so far. */
    long refusals() {
        return refusals.get();
    }

    /** Registers {@code count} users of tenant {@code default}, then logs each in, {@code threads} requests at a time. */
    List<User> users(int count, int threads) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        String password = "fvp-" + UUID.randomUUID();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> registered = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String body = credentials(run, i, password) + ",\"displayName\":\"Fan-out bench " + i + "\"}";
                registered.add(pool.submit(() -> post("/api/v1/auth/register", null, body).get("id").asString()));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> f : registered) {
                ids.add(f.get());
            }
            // logins after all registrations: the tokens (15 minutes by default) are as young as they can be
            List<Future<String>> tokens = new ArrayList<>();
            loginsStarted = System.nanoTime();
            for (int i = 0; i < count; i++) {
                String body = credentials(run, i, password) + "}";
                tokens.add(pool.submit(() -> post("/api/v1/auth/login", null, body).get("accessToken").asString()));
            }
            List<User> users = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                users.add(new User(ids.get(i), tokens.get(i).get()));
            }
            return users;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String credentials(String run, int i, String password) {
        return "{\"tenant\":\"default\",\"username\":\"fvp-" + run + "-" + i + "\",\"password\":\"" + password + "\"";
    }

    /**
     * A GROUP conversation owned by {@code owner} with every one of {@code members}: the
     * create request names at most 256 members, so the rest are added 256 per request.
     */
    String conversation(User owner, List<User> members) throws Exception {
        int page = 256;
        List<User> first = members.subList(0, Math.min(page, members.size()));
        String id = post("/api/v1/conversations", owner.token(), "{\"type\":\"GROUP\",\"title\":\"fan-out vs peers\","
                + "\"memberIds\":" + ids(first) + "}").get("id").asString();
        for (int from = page; from < members.size(); from += page) {
            post("/api/v1/conversations/" + id + "/members", owner.token(),
                    "{\"userIds\":" + ids(members.subList(from, Math.min(from + page, members.size()))) + "}");
        }
        return id;
    }

    private static String ids(List<User> users) {
        StringBuilder json = new StringBuilder("[");
        for (User user : users) {
            json.append(json.length() == 1 ? "" : ",").append('"').append(user.id()).append('"');
        }
        return json.append(']').toString();
    }

    /** POSTs JSON; retries 429 and 503 after Retry-After (at least 0.1 s, at most 5 s); other failures throw. */
    private JsonNode post(String path, String token, String json) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(gateway + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        HttpRequest request = builder.build();
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status < 300) {
                return JSON.readTree(response.body());
            }
            if ((status != 429 && status != 503) || attempt >= 300) {
                // the path and status only: a body could echo what was sent
                throw new IllegalStateException("POST " + path + " answered " + status);
            }
            refusals.incrementAndGet();
            long seconds = response.headers().firstValue("Retry-After").map(GatewaySetup::seconds).orElse(1L);
            TimeUnit.MILLISECONDS.sleep(Math.max(100, Math.min(seconds * 1000, 5000)));
        }
    }

    private static long seconds(String retryAfter) {
        try {
            return Long.parseLong(retryAfter.trim());
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
