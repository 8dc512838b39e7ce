package io.parley.chat.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import io.parley.chat.cluster.LocalCluster;
import io.parley.chat.testkit.ApiContract;
import io.parley.chat.testkit.ChatSocket;

/**
 * One cluster for the whole system-test JVM, started by the same launcher as the local
 * run: on free ports, with in-memory Mongo, and embedded infrastructure whatever the
 * caller's environment says. Two replicas of the gateway and of the edge, behind the
 * launcher's TCP balancers as behind an ingress and a Service, so that every system test
 * meets what a replicated deployment does (a socket and the calls of its user on different
 * replicas); the other services run once, to keep the machine's two cores for the tests.
 * What the cluster answers is checked against the published contracts as the tests go:
 * REST answers by {@link Api}, server frames by every {@link ChatSocket}. The web client's
 * Chromium tests (package {@code browser}) run against it too.
 */
public final class TestCluster {

    private static LocalCluster cluster;

    private TestCluster() {
    }

    public static synchronized LocalCluster get() {
        if (cluster == null) {
            // every frame a test's socket gets is checked against asyncapi.yaml (Api checks REST answers)
            ChatSocket.checkFramesAgainst(ApiContract.get()::checkServerFrame);
            Path root = root();
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

    /** The repository's root, where the services' jars and the docs are. */
    public static Path root() {
        return Path.of(System.getProperty("parley.root", "..")).toAbsolutePath().normalize();
    }
}
