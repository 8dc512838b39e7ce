package io.parley.chat.edge;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP server standing in for the services the edge calls (presence-service's
 * typing, read, presence and session endpoints, message-service's history head,
 * conversation-service's conversation list), speaking their wire format. It records
 * what the edge sent (with the relayed token's subject), and lets a test publish what
 * the real service would publish when a call arrives.
 */
final class UpstreamStandIn implements AutoCloseable {

    static final String FORBIDDEN_CONVERSATION = "not-a-member";
    static final String UNKNOWN_CONVERSATION = "no-such-conversation";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One call as the stand-in received it. */
    record Call(String method, String path, String userId, JsonNode body) {
    }

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, String> statuses = new ConcurrentHashMap<>();
    private final Map<String, List<String>> conversationsByUser = new ConcurrentHashMap<>();
    private final Set<String> removed = ConcurrentHashMap.newKeySet();
    private volatile Consumer<Call> onTyping = call -> { };
    private volatile boolean batchHeartbeats = true;
    private volatile Consumer<Call> onRead = call -> { };

    UpstreamStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4, task -> {
            Thread thread = new Thread(task, "upstream-stand-in");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", this::serve);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Call> calls() {
        return new ArrayList<>(calls);
    }

    /** From now on message-service answers as if {@code userId} was no longer a member of the conversation. */
    void removeMember(String userId, String conversationId) {
        removed.add(userId + "/" + conversationId);
    }

    void status(String userId, String status) {
        statuses.put(userId, status);
    }

    void conversations(String userId, List<String> conversationIds) {
        conversationsByUser.put(userId, conversationIds);
    }

    /** Off: answers the batch heartbeat endpoint with 404, as a presence-service from before it would. */
    void batchHeartbeats(boolean enabled) {
        batchHeartbeats = enabled;
    }

    /**
     * A batch of heartbeats, each entry authenticated by its own token (no header): recorded as
     * the session call each entry stands for, so that a test counts a socket's heartbeats
     * however they travelled.
     */
    private void heartbeats(HttpExchange exchange, JsonNode body) throws IOException {
        if (!batchHeartbeats) {
            respond(exchange, 404, problem(404, "no such endpoint"));
            return;
        }
        for (JsonNode entry : body.path("sessions")) {
            calls.add(new Call("PUT", "/internal/v1/presence/sessions/" + entry.path("sessionId").asString(),
                    subject(entry.path("token").asString()), null));
        }
        respond(exchange, 200, JSON.writeValueAsBytes(Map.of("accepted", body.path("sessions").size(), "refused", List.of())));
    }

    void onTyping(Consumer<Call> action) {
        onTyping = action;
    }

    void onRead(Consumer<Call> action) {
        onRead = action;
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getRawQuery();
            byte[] raw = exchange.getRequestBody().readAllBytes();
            JsonNode body = raw.length == 0 ? null : JSON.readTree(raw);
            Call call = new Call(exchange.getRequestMethod(), path, subject(exchange), body);
            calls.add(call);
            if (path.equals("/internal/v1/presence/heartbeats")) {
                heartbeats(exchange, body);
            } else if (call.userId() == null) {
                respond(exchange, 401, problem(401, "no token relayed"));
            } else if (path.startsWith("/internal/v1/presence/sessions/")) {
                respond(exchange, 204, null);
            } else if (path.equals("/internal/v1/presence/typing") || path.equals("/internal/v1/presence/read")) {
                membershipAnswer(exchange, call);
            } else if (path.equals("/api/v1/presence")) {
                List<Map<String, Object>> answer = new ArrayList<>();
                for (String user : param(query, "userIds").split(",")) {
                    String status = statuses.getOrDefault(user, "offline");
                    answer.add(Map.of("userId", user, "status", status, "lastSeenAt", "2026-01-02T03:04:05Z"));
                }
                respond(exchange, 200, JSON.writeValueAsBytes(answer));
            } else if (path.matches("/(api|internal)/v1/conversations/[^/]+/messages")
                    && removed.contains(call.userId() + "/" + path.split("/")[4])) {
                respond(exchange, 404, problem(404, "No conversation that you are a member of."));
            } else if (path.matches("/api/v1/conversations/[^/]+/messages")) {
                String conversationId = path.split("/")[4];
                respond(exchange, 200, JSON.writeValueAsBytes(
                        Map.of("conversationId", conversationId, "messages", List.of(), "hasMore", false)));
            } else if (path.matches("/internal/v1/conversations/[^/]+/messages")) {
                exchange.getResponseHeaders().set("Content-Type", "application/x-ndjson");
                exchange.sendResponseHeaders(200, -1);
            } else if (path.equals("/api/v1/conversations")) {
                respond(exchange, 200, conversationPage(call.userId(), query));
            } else {
                respond(exchange, 404, problem(404, "no such endpoint"));
            }
        }
    }

    private void membershipAnswer(HttpExchange exchange, Call call) throws IOException {
        String conversationId = call.body() == null ? "" : call.body().path("conversationId").asString("");
        if (conversationId.equals(FORBIDDEN_CONVERSATION)) {
            respond(exchange, 403, problem(403, "You are not a member of this conversation."));
            return;
        }
        if (conversationId.equals(UNKNOWN_CONVERSATION)) {
            respond(exchange, 404, problem(404, "No such conversation."));
            return;
        }
        if (call.path().endsWith("typing")) {
            onTyping.accept(call);
            respond(exchange, 202, JSON.writeValueAsBytes(Map.of("relayed", true)));
        } else {
            onRead.accept(call);
            respond(exchange, 200, JSON.writeValueAsBytes(Map.of("conversationId", conversationId,
                    "userId", call.userId(), "readSeq", call.body().path("seq").asLong())));
        }
    }

    /** Pages of two, so that the edge has to follow {@code nextCursor}; the cursor is the next index. */
    private byte[] conversationPage(String userId, String query) {
        List<String> all = conversationsByUser.getOrDefault(userId, List.of());
        String cursor = param(query, "cursor");
        int from = cursor.isEmpty() ? 0 : Integer.parseInt(cursor);
        int to = Math.min(all.size(), from + 2);
        List<Map<String, Object>> items = new ArrayList<>();
        for (String id : all.subList(from, to)) {
            items.add(Map.of("id", id, "type", "GROUP", "headSeq", 0));
        }
        Map<String, Object> page = new java.util.HashMap<>();
        page.put("items", items);
        page.put("nextCursor", to < all.size() ? String.valueOf(to) : null);
        return JSON.writeValueAsBytes(page);
    }

    private static String param(String query, String name) {
        if (query == null) {
            return "";
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    /** The {@code sub} of the relayed bearer token (its signature was checked by the edge already). */
    private static String subject(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            return null;
        }
        return subject(header.substring(7));
    }

    private static String subject(String token) {
        String[] parts = token.split("\\.");
        return parts.length < 2 ? null : JSON.readTree(Base64.getUrlDecoder().decode(parts[1])).path("sub").asString(null);
    }

    private static byte[] problem(int status, String detail) {
        return JSON.writeValueAsBytes(Map.of("type", "https://parley.dev/problems/test", "title", "refused",
                "status", status, "detail", detail));
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        if (body == null) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.getResponseHeaders().set("Content-Type",
                status >= 400 ? "application/problem+json" : "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
