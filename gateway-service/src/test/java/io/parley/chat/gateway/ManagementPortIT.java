package io.parley.chat.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * As k8s/ runs it: MANAGEMENT_SERVER_PORT (management.server.port) set, so the probes and
 * /actuator/prometheus answer on that port, without a token, and nothing under /actuator is
 * served on the port the Ingress reaches.
 */
class ManagementPortIT {

    private static final UpstreamServer UPSTREAM = UpstreamServer.start("management-upstream");

    @Test
    void actuatorAnswersOnTheManagementPortOnlyAndNeedsNoToken() {
        int management = freePort();
        GatewayReplica gateway = GatewayReplica.start(UPSTREAM, "--management.server.port=" + management);
        WebTestClient actuator = WebTestClient.bindToServer().baseUrl("http://localhost:" + management)
                .responseTimeout(Duration.ofSeconds(15)).build();

        actuator.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        actuator.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
        actuator.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).value(body -> org.assertj.core.api.Assertions.assertThat(body)
                        .contains("jvm_memory_used_bytes"));

        for (String path : new String[] {"/actuator/health", "/actuator/health/liveness", "/actuator/prometheus", "/actuator/info"}) {
            gateway.client().get().uri(path).exchange().expectStatus().isNotFound();
        }
        // the public port still serves
        gateway.client().get().uri("/.well-known/jwks.json").exchange().expectStatus().isOk();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
