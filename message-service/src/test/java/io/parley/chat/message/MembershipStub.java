package io.parley.chat.message;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

/**
 * conversation-service's membership endpoint as message-service sees it: 200 for a
 * member (read from the relayed token's subject), 404 otherwise. The whole-cluster
 * system test pairs the real services.
 */
final class MembershipStub implements AutoCloseable {

    private static final Pattern PATH = Pattern.compile("/internal/v1/conversations/([^/]+)/membership");

    private final Map<String, String> roles = new ConcurrentHashMap<>();
    private final HttpServer server;

    MembershipStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/internal/v1/conversations/", exchange -> {
            Matcher m = PATH.matcher(exchange.getRequestURI().getPath());
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String role = m.matches() && auth != null ? roles.get(caller(auth) + "/" + m.group(1)) : null;
            if (role == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                byte[] body = ("{\"conversationId\":\"" + m.group(1) + "\",\"role\":\"" + role + "\"}").getBytes();
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
    }

    void addMember(String tenantId, String conversationId, String userId) {
        addMember(tenantId, conversationId, userId, "member");
    }

    void addMember(String tenantId, String conversationId, String userId, String role) {
        roles.put(tenantId + "/" + userId + "/" + conversationId, role);
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
