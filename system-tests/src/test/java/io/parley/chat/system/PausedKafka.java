package io.parley.chat.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.chat.cluster.LocalCluster;

/**
 * The cluster's Kafka broker stopped with SIGSTOP: it neither answers nor closes
 * connections, as a network partition looks to its clients. Resumed (SIGCONT) on close.
 */
record PausedKafka(long pid) implements AutoCloseable {

    static PausedKafka pause(LocalCluster cluster) throws Exception {
        PausedKafka paused = new PausedKafka(cluster.pids().get("kafka"));
        paused.signal("-STOP");
        return paused;
    }

    @Override
    public void close() throws Exception {
        signal("-CONT");
    }

    private void signal(String signal) throws Exception {
        int exit = new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start().waitFor();
        assertThat(exit).as("kill %s %d", signal, pid).isZero();
    }
}
