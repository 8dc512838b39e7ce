package io.parley.chat.edge.clients;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PresenceClientTest {

    @Test
    void aHeartbeatPrintsItsSessionButNeverItsToken() {
        PresenceClient.Heartbeat heartbeat = new PresenceClient.Heartbeat("s-1", "eyJhbGciOiJFUzI1NiJ9.secret.sig");

        assertThat(heartbeat.toString()).contains("s-1").doesNotContain("secret", "eyJ");
    }
}
