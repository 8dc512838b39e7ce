package io.parley.chat.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.junit.jupiter.api.Test;

import io.parley.chat.contracts.events.PresenceEvent;
import io.parley.chat.testkit.ChatSocket;
import io.parley.chat.testkit.TestInfrastructure;

/**
 * Every edge reads each topic in a consumer group of its own, and commits nothing there:
 * a group without offsets is deleted by the broker once its edge is gone, where a group
 * with offsets stays behind, and its lag grows with every record for as long as the
 * topic lives (one such group per topic per edge start, before).
 */
class EdgeConsumerGroupsIT extends StandInEdge {

    @Test
    void theEdgesGroupsHoldNoOffsetsAfterTheyDeliveredRecords() throws Exception {
        String tenant = id("t");
        String alice = id("alice");
        String bob = id("bob");
        try (ChatSocket socket = connect(alice, tenant)) {
            // a record the edge reads and delivers: past it, a committing group would hold an offset
            String conversation = id("c");
            subscribe(socket, conversation);
            publish(tenant, PresenceEvent.Type.Typing, tenant, bob, conversation, null, null);
            socket.await(f -> is(f, "typing"), WAIT);
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafka().bootstrapServers()))) {
            List<String> groups = await().atMost(WAIT).until(() -> edgeGroups(admin), g -> g.size() >= 4);
            for (String group : groups) {
                assertThat(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get())
                        .as("offsets committed by %s", group).isEmpty();
            }
        }
    }

    private static List<String> edgeGroups(Admin admin) throws Exception {
        return admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get().stream()
                .map(GroupListing::groupId).filter(id -> id.startsWith("realtime-edge-")).toList();
    }
}
