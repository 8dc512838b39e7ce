package io.parley.chat.gateway;

import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.parley.chat.testkit.TestInfrastructure;

/**
 * One gateway for every IT in this module, in front of real upstream servers on free
 * ports. The upstreams are static so that all IT classes share the same properties and
 * therefore the same Spring context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class GatewayIntegrationSupport {

    /** Short enough for a test to wait for, long enough for a loaded CI machine. */
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(2);

    static final UpstreamServer AUTH = UpstreamServer.start("auth");
    static final UpstreamServer CONVERSATION = UpstreamServer.start("conversation");
    static final UpstreamServer MESSAGE = UpstreamServer.start("message");
    static final UpstreamServer PRESENCE = UpstreamServer.start("presence");
    static final EdgeServer EDGE = EdgeServer.start();

    @DynamicPropertySource
    static void upstreams(DynamicPropertyRegistry registry) {
        registry.add("AUTH_URL", AUTH::url);
        registry.add("CONVERSATION_URL", CONVERSATION::url);
        registry.add("MESSAGE_URL", MESSAGE::url);
        registry.add("PRESENCE_URL", PRESENCE::url);
        registry.add("EDGE_URL", EDGE::url);
        registry.add("UPSTREAM_RESPONSE_TIMEOUT", () -> RESPONSE_TIMEOUT.toMillis() + "ms");
        registry.add("PRESENCE_RESPONSE_TIMEOUT_MS", () -> RESPONSE_TIMEOUT.toMillis());
        registry.add("chat.security.jwks-uri", () -> TestInfrastructure.tokens().jwksUri());
        registry.add("spring.data.redis.host", () -> TestInfrastructure.redis().host());
        registry.add("spring.data.redis.port", () -> TestInfrastructure.redis().port());
    }

    @LocalServerPort
    int port;

    WebTestClient client;

    @BeforeEach
    void bindClientAndResetUpstreams() {
        client = WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(15))
                .build();
        AUTH.forget();
        CONVERSATION.forget();
        MESSAGE.forget();
        PRESENCE.forget();
        EDGE.forget();
    }

    static String token(String userId) {
        return TestInfrastructure.tokens().mint(userId, "acme");
    }

    static String bearer(String userId) {
        return "Bearer " + token(userId);
    }

    String wsUrl() {
        return "ws://localhost:" + port + "/ws";
    }
}
