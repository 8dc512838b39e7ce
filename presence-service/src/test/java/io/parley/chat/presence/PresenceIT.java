package io.parley.chat.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PresenceIT extends RunningService {

    String tenant;
    String alice;
    String aliceToken;
    String bobToken;

    @BeforeEach
    void users() {
        tenant = unique("t");
        alice = unique("alice");
        aliceToken = token(alice, tenant);
        bobToken = token(unique("bob"), tenant);
    }

    @Test
    void userIsOnlineAfterConnecting() {
        Instant before = Instant.now().minusMillis(1);
        connect(aliceToken, "s1").expectStatus().isNoContent();

        presence(bobToken, alice).expectStatus().isOk()
                .expectBody()
                .jsonPath("$.length()").isEqualTo(1)
                .jsonPath("$[0].userId").isEqualTo(alice)
                .jsonPath("$[0].status").isEqualTo("online")
                .jsonPath("$[0].lastSeenAt").value(at -> assertThat(Instant.parse((String) at)).isAfter(before));
    }

    @Test
    void userNeverSeenIsOfflineWithoutLastSeen() {
        String carol = unique("carol");
        presence(bobToken, carol).expectStatus().isOk()
                .expectBody()
                .jsonPath("$[0].userId").isEqualTo(carol)
                .jsonPath("$[0].status").isEqualTo("offline")
                .jsonPath("$[0].lastSeenAt").isEmpty();
    }

    @Test
    void userStaysOnlineWhileAnotherSessionIsLive() {
        connect(aliceToken, "phone").expectStatus().isNoContent();
        connect(aliceToken, "laptop").expectStatus().isNoContent();

        disconnect(aliceToken, "phone").expectStatus().isNoContent();

        presence(bobToken, alice).expectStatus().isOk().expectBody().jsonPath("$[0].status").isEqualTo("online");
    }

    @Test
    void userIsOfflineWithLastSeenAfterTheLastSessionCloses() {
        connect(aliceToken, "phone").expectStatus().isNoContent();
        connect(aliceToken, "laptop").expectStatus().isNoContent();
        disconnect(aliceToken, "phone").expectStatus().isNoContent();
        Instant beforeLastClose = Instant.now().minusMillis(1);

        disconnect(aliceToken, "laptop").expectStatus().isNoContent();

        presence(bobToken, alice).expectStatus().isOk()
                .expectBody()
                .jsonPath("$[0].status").isEqualTo("offline")
                .jsonPath("$[0].lastSeenAt").value(at -> assertThat(Instant.parse((String) at)).isAfter(beforeLastClose));
    }

    @Test
    void closingAnUnknownSessionIsHarmless() {
        disconnect(aliceToken, "never-opened").expectStatus().isNoContent();
        presence(bobToken, alice).expectStatus().isOk().expectBody().jsonPath("$[0].status").isEqualTo("offline");
    }

    @Test
    void sessionThatStopsHeartbeatingLapses() {
        connect(aliceToken, "s1").expectStatus().isNoContent();

        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                presence(bobToken, alice).expectStatus().isOk().expectBody().jsonPath("$[0].status").isEqualTo("offline"));
    }

    @Test
    void answersInTheOrderAskedWithDuplicatesOnce() {
        String carol = unique("carol");
        connect(aliceToken, "s1").expectStatus().isNoContent();

        presence(bobToken, carol + "," + alice + "," + carol).expectStatus().isOk()
                .expectBody()
                .jsonPath("$.length()").isEqualTo(2)
                .jsonPath("$[0].userId").isEqualTo(carol)
                .jsonPath("$[0].status").isEqualTo("offline")
                .jsonPath("$[1].userId").isEqualTo(alice)
                .jsonPath("$[1].status").isEqualTo("online");
    }

    @Test
    void presenceOfAnotherTenantsUserIsNotVisible() {
        connect(aliceToken, "s1").expectStatus().isNoContent();

        // the same user id asked from another tenant is another user
        presence(token(unique("eve"), unique("t")), alice).expectStatus().isOk()
                .expectBody()
                .jsonPath("$[0].status").isEqualTo("offline")
                .jsonPath("$[0].lastSeenAt").isEmpty();
    }

    @Test
    void readinessIsUpWithoutMongo() {
        http.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
    }
}
