package io.parley.chat.system;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.parley.chat.cluster.LocalCluster;
import io.parley.chat.testkit.ApiContract;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The public REST API as a client sees it through the gateway. */
final class Api {

    static final JsonMapper JSON = JsonMapper.builder().build();
    /** The largest message body the API takes, in code points. */
    static final int MAX_BODY = 4_000;

    /** A body of exactly {@link #MAX_BODY} characters that starts with {@code prefix}. */
    static String maxBody(String prefix) {
        return (prefix + " ").repeat(MAX_BODY).substring(0, MAX_BODY);
    }
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;

    Api(String gatewayUrl) {
        this.base = gatewayUrl;
    }

    record User(String id, String token) {
    }

    record Reply(int status, String contentType, JsonNode body) {
    }

    /** Registers a new user in the seeded tenant and logs in. */
    User newUser(String name) throws Exception {
        return newUser(name, "default");
    }

    /** Registers a new user in an open-signup tenant and logs in. */
    User newUser(String name, String tenant) throws Exception {
        String username = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        String password = "pw-" + UUID.randomUUID();
        Reply registered = call("POST", "/api/v1/auth/register", null, Map.of("tenant", tenant,
                "username", username, "password", password, "displayName", name));
        expect(registered, 201);
        return new User(registered.body().get("id").asString(), login(tenant, username, password));
    }

    /** Creates an open-signup tenant as the test cluster's platform admin, as an operator would; returns its slug. */
    String newTenant(LocalCluster cluster) throws Exception {
        String slug = "t-" + UUID.randomUUID().toString().substring(0, 8);
        expect(call("POST", "/api/v1/tenants", platformAdminToken(cluster),
                Map.of("slug", slug, "name", "Tenant " + slug, "openSignup", true, "admin",
                        Map.of("username", "owner", "password", "pw-" + UUID.randomUUID(), "displayName", "Owner"))),
                201);
        return slug;
    }

    /** An access token of the test cluster's platform admin, who is also an admin of the {@code default} tenant. */
    String platformAdminToken(LocalCluster cluster) throws Exception {
        LocalCluster.Credentials admin = cluster.platformAdmin()
                .orElseThrow(() -> new IllegalStateException("this cluster has no platform admin"));
        return login(admin.tenant(), admin.username(), admin.password());
    }

    private String login(String tenant, String username, String password) throws Exception {
        Reply login = call("POST", "/api/v1/auth/login", null, Map.of("tenant", tenant,
                "username", username, "password", password));
        expect(login, 200);
        return login.body().get("accessToken").asString();
    }

    String createGroup(User owner, List<String> memberIds) throws Exception {
        Reply created = call("POST", "/api/v1/conversations", owner.token(),
                Map.of("type", "GROUP", "title", "system test", "memberIds", memberIds));
        expect(created, 201);
        return created.body().get("id").asString();
    }

    Reply call(String method, String path, String token, Object body) throws IOException, InterruptedException {
        return raw(method, path, token, body == null ? null : JSON.writeValueAsString(body));
    }

    Reply raw(String method, String path, String token, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        List<String> broken = ApiContract.get().checkResponse(method, path, response.statusCode(), contentType, json);
        if (!broken.isEmpty()) {
            throw new AssertionError("the answer breaks openapi.yaml: " + broken);
        }
        return new Reply(response.statusCode(), contentType, json);
    }

    static void expect(Reply reply, int status) {
        if (reply.status() != status) {
            throw new AssertionError("expected " + status + " but was " + reply.status() + ": " + reply.body());
        }
    }
}
