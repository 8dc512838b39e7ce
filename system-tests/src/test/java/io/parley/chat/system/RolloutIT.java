package io.parley.chat.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * A rolling update under traffic (issue 22): one gateway replica and then one edge replica
 * get SIGTERM, drain (readiness off, new handshakes refused, every socket told to
 * {@code reconnect}, spread over half the grace), exit, and start again, while 40 users (one
 * socket each through the gateway, per-user caps on) send a message a second each, every
 * fifth at the largest body, in 4 conversations (400 deliveries/s). Nothing acked is lost or
 * stored twice, every stream stays in seq order without a gap, and every client is back
 * (reconnected and resumed) within 5 s of losing its socket; how long until every client
 * works again (live, no send unacked for more than 2 s) is printed beside it.
 *
 * <p>On the shared cluster, which runs two replicas of the gateway and of the edge behind
 * the launcher's TCP balancers (standing for the ingress and the edge's Service).
 */
class RolloutIT extends RunningCluster {

    private static final int CONVERSATIONS = 4;
    private static final int MEMBERS = 10;
    private static final Duration SEND_EVERY = Duration.ofSeconds(1);
    private static final Duration WORKING = Duration.ofSeconds(2);
    private static final Duration BACK_WITHIN = Duration.ofSeconds(5);

    @Test
    void aGatewayAndAnEdgeRolledUnderTrafficLoseNothingAndClientsAreBackWithinFiveSeconds() throws Exception {
        assertThat(cluster.replicas("gateway-service")).as("gateway replicas").isGreaterThan(1);
        assertThat(cluster.replicas("realtime-edge")).as("edge replicas").isGreaterThan(1);
        List<Traffic.Row> rows;
        Map<String, Traffic.History> histories = new HashMap<>();
        Map<String, String> lostOrDuplicated;
        try (Traffic traffic = new Traffic(cluster, api, CONVERSATIONS, MEMBERS, SEND_EVERY, WORKING,
                Duration.ofSeconds(60))) {
            traffic.awaitWorking("the clients' first connections");
            Thread.sleep(3_000);
            Traffic.Row gateway = traffic.during(Traffic.rollOut(cluster,
                    "rollout of one gateway replica (SIGTERM: it drains; then started again)", "gateway-service"));
            traffic.awaitAllRunning(Duration.ofSeconds(180));
            Traffic.Row edge = traffic.during(Traffic.rollOut(cluster,
                    "rollout of one realtime-edge replica (SIGTERM: it drains; then started again)", "realtime-edge"));
            traffic.awaitAllRunning(Duration.ofSeconds(180));
            rows = List.of(gateway, edge);
            lostOrDuplicated = traffic.settleAndCheck(histories);
            String table = traffic.table(rows, histories, lostOrDuplicated);
            System.out.println(table);
            Path out = Path.of("target", "rollout.md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, table);

            assertThat(traffic.violations()).as("what the clients saw that the cluster promises never happens").isEmpty();
            assertThat(traffic.restViolations()).as("REST answers that break a promise").isEmpty();
        }
        assertThat(lostOrDuplicated).as("acked sends lost or stored twice").isEmpty();
        assertThat(rows).allSatisfy(row -> {
            assertThat(row.drops()).as("%s: sockets moved off the stopped replica", row.fault()).isPositive();
            assertThat(row.longestDownMs()).as("%s: the longest a client was without its socket", row.fault())
                    .isLessThanOrEqualTo(BACK_WITHIN.toMillis());
        });
    }
}
