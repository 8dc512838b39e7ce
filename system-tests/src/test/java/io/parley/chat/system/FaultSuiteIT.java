package io.parley.chat.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.parley.chat.cluster.LocalCluster;

/**
 * Faults under traffic, one at a time, with two replicas of each service it kills: paced sends
 * over 20 conversations from 200 users, one socket each through the gateway (per-user
 * caps on), clients that resend unacked sends with the same {@code clientMsgId} and
 * resume with {@code afterSeq} after every drop, a REST reader, and a user of another
 * tenant and a non-member trying to read. After every fault the clients' records are
 * checked against each other and, at the end, against history: every acked message once,
 * in seq order, no gap after a resume, no 5xx that does not say retryable.
 *
 * <p>Its own cluster (two replicas of the services it kills, as {@code ./run --replicas 2} runs
 * them, the launcher's JVM options); the table it
 * prints is written to {@code target/reliability.md} and kept in docs/reliability.md.
 */
class FaultSuiteIT {

    private static final int CONVERSATIONS = 20;
    private static final int MEMBERS = 10;
    /** Each of the 200 users sends once a second: 200 sends/s, 2,000 deliveries/s. */
    private static final Duration SEND_EVERY = Duration.ofMillis(Long.getLong("parley.faults.send-every-ms", 1000));
    /** A client works when it is live and no send of it waits for its ack longer than this. */
    private static final Duration WORKING = Duration.ofMillis(Long.getLong("parley.faults.working-ms", 2000));
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(60);
    /** Users sending malformed input, each on one socket and over REST, while the traffic goes on. */
    private static final int FUZZERS = 10;
    private static final int FUZZ_FRAMES = 5_000;
    private static final int FUZZ_REQUESTS = 5_000;

    /**
     * The services that get replicas: those the suite kills (a fault meets a second replica that
     * carries on). The others run once, so that the 2-core machine is not spent on JVMs that no
     * fault touches; {@code -Dparley.faults.replicated=} with a list (or "all") changes it.
     */
    private static final Set<String> REPLICATED = replicated(System.getProperty("parley.faults.replicated",
            "message-service,realtime-edge,gateway-service"));

    /**
     * The launcher's options (C2 on the relay path, C1 elsewhere), or, with
     * {@code -Dparley.faults.jvm-options="..."}, the options given, for every service alike.
     */
    private static final List<String> JVM_OPTIONS = System.getProperty("parley.faults.jvm-options", "").isBlank()
            ? LocalCluster.Options.DEFAULT_JVM_OPTIONS
            : List.of(System.getProperty("parley.faults.jvm-options").strip().split("\\s+"));

    private static LocalCluster cluster;
    private static Api api;
    private static Traffic traffic;

    private static Set<String> replicated(String list) {
        return list.equals("all") ? Set.copyOf(LocalCluster.SERVICES)
                : java.util.Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                        .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    @BeforeAll
    static void startClusterWithTwoReplicas() throws IOException {
        Path root = Path.of(System.getProperty("parley.root", "..")).toAbsolutePath().normalize();
        cluster = LocalCluster.start(new LocalCluster.Options(root, root.resolve("system-tests/target/fault-cluster"),
                false, false, Map.of(), JVM_OPTIONS, Duration.ofSeconds(480),
                System.out, Integer.getInteger("parley.faults.replicas", 2), REPLICATED));
        api = new Api(cluster.gatewayUrl());
    }

    @AfterAll
    static void stop() {
        if (traffic != null) {
            traffic.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void nothingAckedIsLostDuplicatedOrMisorderedWhileProcessesDieUnderTraffic() throws Exception {
        List<Api.User> fuzzers = Traffic.register(api, api.newTenant(cluster), FUZZERS);
        traffic = new Traffic(cluster, api, CONVERSATIONS, MEMBERS, SEND_EVERY, WORKING, RECOVERY_BOUND);
        traffic.awaitWorking("the clients' first connections");
        Thread.sleep(5_000);

        List<Traffic.Fault> faults = List.of(
                Traffic.killAndRestart(cluster, "kill -9 of one message-service replica", "message-service",
                        Duration.ofSeconds(5)),
                Traffic.killAndRestart(cluster, "kill -9 of one realtime-edge replica", "realtime-edge",
                        Duration.ofSeconds(5)),
                Traffic.killAndRestart(cluster, "kill -9 of one gateway replica", "gateway-service", Duration.ofSeconds(5)),
                Traffic.rollOut(cluster, "rollout of one gateway replica (SIGTERM: it drains; then started again)",
                        "gateway-service"),
                Traffic.rollOut(cluster, "rollout of one realtime-edge replica (SIGTERM: it drains; then started again)",
                        "realtime-edge"),
                new Traffic.Fault("kill -9 of the Kafka broker, restarted after 10 s", "LocalCluster.killKafka",
                        cluster::killKafka, Duration.ofSeconds(10), () -> cluster.restartKafka(Duration.ofSeconds(120))),
                new Traffic.Fault("kill -9 of redis-server, restarted after 10 s", "LocalCluster.killRedis",
                        cluster::killRedis, Duration.ofSeconds(10), cluster::restartRedis),
                new Traffic.Fault("Mongo unreachable for 5 s", "LocalCluster.cutMongo",
                        cluster::cutMongo, Duration.ofSeconds(5), cluster::restoreMongo),
                new Traffic.Fault("Kafka paused (SIGSTOP) for 10 s", "kill -STOP",
                        () -> signalKafka("-STOP"), Duration.ofSeconds(10), () -> signalKafka("-CONT")));
        List<Traffic.Row> rows = new ArrayList<>();
        for (Traffic.Fault fault : faults) {
            rows.add(traffic.during(fault));
            traffic.awaitAllRunning(Duration.ofSeconds(180));
        }

        String fuzzConversation = api.createGroup(fuzzers.get(0), fuzzers.subList(1, FUZZERS).stream().map(Api.User::id)
                .toList());
        List<String> targets = new ArrayList<>(traffic.conversations());
        targets.add(fuzzConversation);
        List<String> fuzzProblems = fuzz(fuzzers, targets);
        FuzzOutcome fuzzed = new FuzzOutcome(traffic.window().stream().mapToInt(FaultClient.Window::drops).sum(),
                cluster.allRunning());

        Map<String, Traffic.History> histories = new HashMap<>();
        Map<String, String> lostOrDuplicated = traffic.settleAndCheck(histories);
        report(traffic.table(rows, histories, lostOrDuplicated), fuzzProblems, fuzzed);

        assertThat(traffic.violations()).as("what the clients saw that the cluster promises never happens").isEmpty();
        assertThat(traffic.restViolations()).as("REST answers that break a promise").isEmpty();
        assertThat(lostOrDuplicated).as("acked sends lost or stored twice").isEmpty();
        assertThat(fuzzProblems).as("answers to malformed input that are server errors").isEmpty();
        assertThat(fuzzed.wellBehavedDrops()).as("well-behaved sockets closed while the fuzzers ran").isZero();
        assertThat(fuzzed.allRunning()).as("every process still up after the fuzzing").isTrue();
        // the targets: working again within 10 s of a fault, 30 s of a Kafka loss, 5 s of a rollout
        assertThat(rows).allSatisfy(row -> assertThat(row.recoveryMs()).as("%s: working again", row.fault())
                .isLessThanOrEqualTo(row.fault().contains("Kafka") ? 30_000 : row.fault().startsWith("rollout") ? 5_000
                        : 10_000));
    }

    record FuzzOutcome(int wellBehavedDrops, boolean allRunning) {
    }

    /**
     * {@link #FUZZ_FRAMES} malformed frames and {@link #FUZZ_REQUESTS} malformed REST calls
     * through the gateway, from {@link #FUZZERS} users at once, paced under the per-socket
     * frame budget. Returns every answer that is a server error (a 5xx, or an error frame
     * with code {@code internal}); a fuzzer's socket may be closed for its bad frames, and
     * is opened again.
     */
    private static List<String> fuzz(List<Api.User> fuzzers, List<String> conversations) throws InterruptedException {
        long seed = Long.getLong("parley.fuzz.seed", System.nanoTime());
        System.out.println("fuzzing with seed " + seed + " (-Dparley.fuzz.seed=" + seed + " repeats it)");
        List<String> problems = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < fuzzers.size(); i++) {
            Api.User fuzzer = fuzzers.get(i);
            MalformedInput frames = new MalformedInput(seed + i, conversations);
            MalformedInput requests = new MalformedInput(seed - i - 1, conversations);
            threads.add(fuzzThread(() -> fuzzFrames(fuzzer, frames, FUZZ_FRAMES / fuzzers.size(), problems), problems));
            threads.add(fuzzThread(() -> fuzzRequests(fuzzer, requests, FUZZ_REQUESTS / fuzzers.size(), problems),
                    problems));
        }
        for (Thread thread : threads) {
            thread.join(Duration.ofMinutes(3).toMillis());
        }
        return problems;
    }

    private static Thread fuzzThread(Traffic.Step work, List<String> problems) {
        Thread thread = new Thread(() -> {
            try {
                work.run();
            } catch (Exception e) {
                problems.add("the fuzzer itself failed: " + e);
            }
        }, "fuzzer");
        thread.start();
        return thread;
    }

    private static void fuzzFrames(Api.User fuzzer, MalformedInput input, int count, List<String> problems)
            throws Exception {
        io.parley.chat.testkit.ChatSocket socket = null;
        for (int n = 0; n < count; n++) {
            if (socket == null || !socket.isOpen()) {
                if (socket != null) {
                    serverErrors(socket, problems);
                }
                socket = io.parley.chat.testkit.ChatSocket.connect(cluster.gatewayWebSocketUrl(), fuzzer.token(),
                        io.parley.chat.testkit.ChatSocket.Auth.HEADER);
                socket.awaitOpen(Duration.ofSeconds(10));
            }
            socket.send(input.frame());
            // 40 frames a second, under the edge's budget of 50 per socket
            Thread.sleep(25);
        }
        serverErrors(socket, problems);
        socket.close();
    }

    private static void serverErrors(io.parley.chat.testkit.ChatSocket socket, List<String> problems) {
        socket.received().stream()
                .filter(frame -> "error".equals(frame.path("type").asString()))
                .filter(frame -> "internal".equals(frame.path("code").asString()))
                .forEach(frame -> problems.add("error frame " + frame));
    }

    private static void fuzzRequests(Api.User fuzzer, MalformedInput input, int count, List<String> problems)
            throws Exception {
        for (int n = 0; n < count; n++) {
            MalformedInput.Request request = input.request();
            Api.Reply reply;
            try {
                reply = api.raw(request.method(), request.path(), fuzzer.token(), request.body());
            } catch (IllegalArgumentException notAUri) {
                continue;
            }
            if (reply.status() >= 500) {
                problems.add(reply.status() + " for " + request.method() + " " + request.path() + ": " + reply.body());
            }
        }
    }

    private static void signalKafka(String signal) throws Exception {
        int exit = new ProcessBuilder("kill", signal, Long.toString(cluster.pids().get("kafka"))).inheritIO().start()
                .waitFor();
        assertThat(exit).as("kill %s", signal).isZero();
    }

    private static void report(String table, List<String> fuzzProblems, FuzzOutcome fuzzed) throws IOException {
        String report = table + String.format("%nFuzzing: %,d malformed frames and %,d malformed REST calls from %d users"
                        + " during the traffic: %d server errors, %d well-behaved sockets closed, every process up: %s%n",
                FUZZ_FRAMES, FUZZ_REQUESTS, FUZZERS, fuzzProblems.size(), fuzzed.wellBehavedDrops(), fuzzed.allRunning())
                + fuzzProblems.stream().limit(20).map(problem -> "- " + problem + System.lineSeparator())
                        .collect(Collectors.joining());
        System.out.println(report);
        Path out = Path.of("target", "reliability.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }
}
