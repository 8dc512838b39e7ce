package io.parley.chat.system;

import org.junit.jupiter.api.BeforeAll;

import io.parley.chat.cluster.LocalCluster;
import io.parley.chat.testkit.ChatSocket;
import io.parley.chat.testkit.ChatSocket.Auth;

/** The shared cluster of the system-test JVM and a client of its public API, for every system test. */
abstract class RunningCluster {

    static LocalCluster cluster;
    static Api api;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.get();
        api = new Api(cluster.gatewayUrl());
    }

    /** A socket of {@code user} through the gateway, as a native client opens it (bearer header). */
    static ChatSocket connect(Api.User user) {
        return ChatSocket.connect(cluster.gatewayWebSocketUrl(), user.token(), Auth.HEADER);
    }
}
