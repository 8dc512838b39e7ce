package io.parley.chat.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.parley.chat.contracts.events.PresenceEvent;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Events are keyed by tenant, so one tenant's events arrive in the order they were
 * published: a later event for another user of the tenant proves that no further event
 * for the first user is on its way.
 */
class PresenceEventsIT extends RunningService {

    @Autowired
    ExpirySweeper sweeper;

    @Test
    void publishesExactlyOneEventPerTransitionAndNoneForHeartbeats() {
        String tenant = unique("t");
        String alice = unique("alice");
        String marker = unique("marker");
        String aliceToken = token(alice, tenant);

        try (KafkaConsumer<String, String> consumer = consumer()) {
            connect(aliceToken, "phone").expectStatus().isNoContent();      // offline -> online
            connect(aliceToken, "phone").expectStatus().isNoContent();      // heartbeat
            connect(aliceToken, "laptop").expectStatus().isNoContent();     // second device, still online
            connect(aliceToken, "laptop").expectStatus().isNoContent();     // heartbeat
            disconnect(aliceToken, "phone").expectStatus().isNoContent();   // laptop keeps her online
            disconnect(aliceToken, "laptop").expectStatus().isNoContent();  // online -> offline
            disconnect(aliceToken, "laptop").expectStatus().isNoContent();  // repeated close: nothing
            connect(token(marker, tenant), "m").expectStatus().isNoContent();

            List<PresenceEvent> events = eventsUntil(consumer, tenant, marker, Duration.ofSeconds(30));

            assertThat(events).filteredOn(e -> e.userId().equals(alice))
                    .extracting(PresenceEvent::status).containsExactly("online", "offline");
            assertThat(events).allSatisfy(e -> {
                assertThat(e.type()).isEqualTo(PresenceEvent.Type.PresenceChanged);
                assertThat(e.tenantId()).isEqualTo(tenant);
                assertThat(e.eventId()).isNotBlank();
                assertThat(e.at()).isNotNull();
            });
        }
    }

    /**
     * An edge that dies says no goodbye: the sweep announces each lapsed user offline once,
     * with the last heartbeat as lastSeenAt, even while several sweeps (as from several
     * replicas) race for the same lapses.
     */
    @Test
    void lapsedSessionsAreAnnouncedOfflineExactlyOnceWhileSweepsRace() {
        String tenant = unique("t");
        String marker = unique("marker");
        List<String> users = IntStream.range(0, 10).mapToObj(i -> unique("u" + i)).toList();

        try (KafkaConsumer<String, String> consumer = consumer()) {
            Instant beforeLastHeartbeat = Instant.now().minusMillis(1);
            users.forEach(u -> connect(token(u, tenant), "s1").expectStatus().isNoContent());
            Instant afterLastHeartbeat = Instant.now().plusMillis(1);

            Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                    presence(token(marker, tenant), String.join(",", users)).expectStatus().isOk().expectBody()
                            .jsonPath("$[*].status").value(statuses -> assertThat((List<Object>) statuses).containsOnly("offline")));
            // four more sweepers race the scheduled one for the same lapses
            Flux.range(0, 4).flatMap(i -> sweeper.sweep().subscribeOn(Schedulers.parallel())).blockLast(Duration.ofSeconds(10));
            List<PresenceEvent> events = new ArrayList<>(eventsUntil(consumer, tenant, seen -> users.stream().allMatch(
                    u -> seen.stream().anyMatch(e -> e.userId().equals(u) && "offline".equals(e.status()))),
                    Duration.ofSeconds(30)));
            // whatever else was published for them is now ahead of the marker's event
            connect(token(marker, tenant), "m").expectStatus().isNoContent();
            events.addAll(eventsUntil(consumer, tenant, marker, Duration.ofSeconds(30)));

            for (String user : users) {
                List<PresenceEvent> ofUser = events.stream().filter(e -> e.userId().equals(user)).toList();
                assertThat(ofUser).extracting(PresenceEvent::status).containsExactly("online", "offline");
                assertThat(ofUser.get(1).at()).isBetween(beforeLastHeartbeat, afterLastHeartbeat);
            }
        }
    }

    @Test
    void onlineUsersGaugeFollowsConnectsAndLapses() {
        String tenant = unique("t");
        String alice = unique("alice");
        connect(token(alice, tenant), "s1").expectStatus().isNoContent();

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> onlineGauge() >= 1);
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> onlineGauge() == 0);
    }

    private double onlineGauge() {
        String body = http.mutate().codecs(c -> c.defaultCodecs().maxInMemorySize(8 * 1024 * 1024)).build()
                .get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        return body.lines().filter(l -> l.startsWith("chat_presence_online_users"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow();
    }
}
