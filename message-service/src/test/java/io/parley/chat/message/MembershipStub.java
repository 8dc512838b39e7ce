package io.parley.chat.message;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.util.Set;
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

    private final Set<String> members = ConcurrentHashMap.newKeySet();
    private final HttpServer server;

    MembershipStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/internal/v1/conversations/", exchange -> {
            Matcher m = PATH.matcher(exchange.getRequestURI().getPath());
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            int status = m.matches() && auth != null && members.contains(caller(auth) + "/" + m.group(1)) ? 200 : 404;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    void addMember(String tenantId, String conversationId, String userId) {
        members.add(tenantId + "/" + userId + "/" + conversationId);
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
