package io.parley.chat.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.parley.chat.cluster.LocalCluster;

/**
 * One cluster for the whole system-test JVM, started by the same launcher as the local
 * run: on free ports, with in-memory Mongo, and embedded infrastructure whatever the
 * caller's environment says.
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
                        false, false, Map.of(), LocalCluster.Options.DEFAULT_JVM_OPTIONS, Duration.ofSeconds(240),
                        System.out));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "system-test-cluster-stop"));
        }
        return cluster;
    }
}
