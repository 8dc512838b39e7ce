package io.parley.chat.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import io.parley.chat.cluster.LocalCluster;

/**
 * One cluster for the whole system-test JVM, started by the same launcher as the local
 * run: on free ports, with in-memory Mongo, and embedded infrastructure whatever the
 * caller's environment says. Two replicas of the gateway and of the edge, behind the
 * launcher's TCP balancers as behind an ingress and a Service, so that every system test
 * meets what a replicated deployment does (a socket and the calls of its user on different
 * replicas); the other services run once, to keep the machine's two cores for the tests.
 */
final class TestCluster {

    private static LocalCluster cluster;

    private TestCluster() {
    }

    static synchronized LocalCluster get() {
        if (cluster == null) {
            Path root = Path.of(System.getProperty("parley.root", "..")).toAbsolutePath().normalize();
            try {
                cluster = LocalCluster.start(new LocalCluster.Options(root, root.resolve("system-tests/target/cluster"),
                        false, false, Map.of(), LocalCluster.Options.DEFAULT_JVM_OPTIONS, Duration.ofSeconds(300),
                        System.out, 2, Set.of("gateway-service", "realtime-edge")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "system-test-cluster-stop"));
        }
        return cluster;
    }
}
