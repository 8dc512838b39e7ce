package io.parley.chat.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.parley.chat.cluster.LocalCluster;

/**
 * One cluster for the whole browser-test JVM, started as the system tests start theirs
 * (system-tests' TestCluster): the local-run launcher on free ports, in-memory Mongo,
 * embedded infrastructure whatever the caller's environment says.
 */
final class TestCluster {

    private static LocalCluster cluster;

    private TestCluster() {
    }

    static synchronized LocalCluster get() {
        if (cluster == null) {
            try {
                cluster = LocalCluster.start(new LocalCluster.Options(root(), root().resolve("browser-tests/target/cluster"),
                        false, false, Map.of(), LocalCluster.Options.DEFAULT_JVM_OPTIONS, Duration.ofSeconds(240),
                        System.out));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "browser-test-cluster-stop"));
        }
        return cluster;
    }

    static Path root() {
        return Path.of(System.getProperty("parley.root", "..")).toAbsolutePath().normalize();
    }
}
