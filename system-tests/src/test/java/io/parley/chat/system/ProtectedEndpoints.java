package io.parley.chat.system;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.parley.chat.cluster.LocalCluster;

/**
 * One endpoint per service that needs a token, on the service's own port (a request that
 * went around the gateway), and one behind the gateway: for tests of what each one does
 * with a bad token.
 */
final class ProtectedEndpoints {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ProtectedEndpoints() {
    }

    /** Name (a service, or "gateway") to URL; a GET there with a valid token is not a 401. */
    static Map<String, String> of(LocalCluster cluster) {
        Map<String, String> endpoints = new LinkedHashMap<>();
        endpoints.put("gateway", cluster.gatewayUrl() + "/api/v1/conversations");
        endpoints.put("auth-service", local(cluster, "auth-service") + "/api/v1/auth/me");
        endpoints.put("conversation-service", local(cluster, "conversation-service") + "/api/v1/conversations");
        endpoints.put("message-service", local(cluster, "message-service") + "/api/v1/conversations/x/messages");
        endpoints.put("presence-service", local(cluster, "presence-service") + "/api/v1/presence?userIds=x");
        endpoints.put("realtime-edge", local(cluster, "realtime-edge") + "/ws");
        return endpoints;
    }

    static String local(LocalCluster cluster, String service) {
        return "http://127.0.0.1:" + cluster.port(service);
    }

    /** The status of a GET with {@code token} as the bearer token, or with none when it is null. */
    static int status(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
