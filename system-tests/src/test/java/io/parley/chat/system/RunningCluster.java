package io.parley.chat.system;

import org.junit.jupiter.api.BeforeAll;

import io.parley.chat.cluster.LocalCluster;

/** The shared cluster of the system-test JVM and a client of its public API, for every system test. */
abstract class RunningCluster {

    static LocalCluster cluster;
    static Api api;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.get();
        api = new Api(cluster.gatewayUrl());
    }
}
