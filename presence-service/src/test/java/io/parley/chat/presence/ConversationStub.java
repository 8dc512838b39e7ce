package io.parley.chat.presence;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.nimbusds.jwt.SignedJWT;

/**
 * conversation-service as presence-service sees it: the membership check (200 for a
 * member, read from the relayed token, 404 otherwise) and the read marker (moves forward
 * only, 404 problem for a non-member), with the real endpoints' paths and bodies. The
 * whole-cluster system tests pair the real services.
 */
final class ConversationStub implements AutoCloseable {

    private static final Pattern MEMBERSHIP = Pattern.compile("/internal/v1/conversations/([^/]+)/membership");
    private static final Pattern READ = Pattern.compile("/api/v1/conversations/([^/]+)/read");
    private static final Pattern SEQ = Pattern.compile("\"seq\"\\s*:\\s*(\\d+)");

    private final Set<String> members = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> markers = new ConcurrentHashMap<>();
    private final HttpServer server;

    ConversationStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String caller = caller(exchange.getRequestHeaders().getFirst("Authorization"));
        Matcher membership = MEMBERSHIP.matcher(path);
        Matcher read = READ.matcher(path);
        if ("GET".equals(exchange.getRequestMethod()) && membership.matches()) {
            String conversation = membership.group(1);
            if (members.contains(caller + "/" + conversation)) {
                respond(exchange, 200, "application/json",
                        "{\"conversationId\":\"" + conversation + "\",\"role\":\"member\"}");
            } else {
                notFound(exchange, conversation);
            }
        } else if ("PUT".equals(exchange.getRequestMethod()) && read.matches()) {
            String conversation = read.group(1);
            Matcher seq = SEQ.matcher(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            if (!members.contains(caller + "/" + conversation)) {
                notFound(exchange, conversation);
            } else if (!seq.find()) {
                respond(exchange, 400, "application/problem+json",
                        "{\"type\":\"https://parley.dev/problems/validation\",\"status\":400,\"detail\":\"seq\"}");
            } else {
                long stored = markers.merge(caller + "/" + conversation, Long.parseLong(seq.group(1)), Math::max);
                respond(exchange, 200, "application/json", "{\"conversationId\":\"" + conversation + "\",\"userId\":\""
                        + caller.substring(caller.indexOf('/') + 1) + "\",\"readSeq\":" + stored + "}");
            }
        } else {
            respond(exchange, 404, "application/problem+json", "{\"status\":404}");
        }
    }

    private static void notFound(HttpExchange exchange, String conversation) throws IOException {
        respond(exchange, 404, "application/problem+json", "{\"type\":\"https://parley.dev/problems/conversation-not-found\","
                + "\"title\":\"Not Found\",\"status\":404,\"detail\":\"No conversation " + conversation
                + " that you are a member of.\"}");
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    void addMember(String tenantId, String conversationId, String userId) {
        members.add(tenantId + "/" + userId + "/" + conversationId);
    }

    void removeMember(String tenantId, String conversationId, String userId) {
        members.remove(tenantId + "/" + userId + "/" + conversationId);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** tenant/user of the relayed token: membership is per tenant, like conversation-service's. */
    private static String caller(String authorization) {
        try {
            var claims = SignedJWT.parse(authorization.substring("Bearer ".length())).getJWTClaimsSet();
            return claims.getStringClaim("tid") + "/" + claims.getSubject();
        } catch (ParseException | RuntimeException e) {
            return "";
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
