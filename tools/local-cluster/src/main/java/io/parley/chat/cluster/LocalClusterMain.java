package io.parley.chat.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./run}: starts the cluster on the documented ports with its data in
 * {@code ./data}, prints where to point a client, and stops everything on Ctrl-C.
 */
public final class LocalClusterMain {

    private LocalClusterMain() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("parley.root", ".")).toAbsolutePath().normalize();
        Path data = root.resolve("data");
        boolean fresh = false;
        Duration timeout = Duration.ofSeconds(120);
        int replicas = 1;
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        while (!rest.isEmpty()) {
            String arg = rest.remove(0);
            switch (arg) {
                case "--fresh" -> fresh = true;
                case "--data" -> data = Path.of(next(rest, arg)).toAbsolutePath();
                case "--timeout" -> timeout = Duration.ofSeconds(Long.parseLong(next(rest, arg)));
                case "--replicas" -> replicas = replicas(next(rest, arg));
                default -> {
                    System.err.println("Unknown option " + arg + ". Options: --fresh (delete ./data first), "
                            + "--data DIR, --timeout SECONDS, --replicas N");
                    System.exit(2);
                }
            }
        }
        if (fresh) {
            LocalCluster.deleteTree(data);
        }
        List<String> jvm = System.getenv("CHAT_JVM_OPTS") == null
                ? LocalCluster.Options.DEFAULT_JVM_OPTIONS
                : List.of(System.getenv("CHAT_JVM_OPTS").trim().split("\\s+"));
        long started = System.nanoTime();
        System.out.println("Starting the chat cluster (data in " + data + ", logs in " + data.resolve("logs") + ")");
        LocalCluster cluster;
        try {
            cluster = LocalCluster.start(new LocalCluster.Options(root, data, true, true, System.getenv(), jvm,
                    timeout.multipliedBy(replicas), System.out, replicas));
        } catch (IOException e) {
            System.err.println();
            System.err.println("The cluster did not start: " + e.getMessage());
            System.err.println("Everything it had started was stopped.");
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping the cluster...");
            cluster.close();
            System.out.println("Stopped.");
            stopped.countDown();
        }, "cluster-stop"));
        printWelcome(cluster, Duration.ofNanos(System.nanoTime() - started));
        stopped.await();
    }

    private static void printWelcome(LocalCluster cluster, Duration took) {
        String api = cluster.gatewayUrl();
        String ws = cluster.gatewayWebSocketUrl();
        System.out.printf("%nAll six services%s are ready in %.1f s.%n",
                cluster.replicas() == 1 ? "" : " (" + cluster.replicas() + " replicas of each)", took.toMillis() / 1000.0);
        System.out.println("Memory (RSS, MiB): " + cluster.memory());
        System.out.println();
        System.out.println("Open the web client:              " + api + "/");
        System.out.println("API documentation:                " + api + "/docs");
        System.out.println("Point your client at the gateway: " + api + "  (WebSocket: " + ws + ")");
        System.out.println();
        System.out.println("Try it (tenant 'default' is seeded and open for sign-up):");
        System.out.println("  curl -s -X POST " + api + "/api/v1/auth/register -H 'Content-Type: application/json' \\");
        System.out.println("       -d '{\"tenant\":\"default\",\"username\":\"alice\",\"password\":\"correct-horse-42\",\"displayName\":\"Alice\"}'");
        System.out.println("  TOKEN=$(curl -s -X POST " + api + "/api/v1/auth/login -H 'Content-Type: application/json' \\");
        System.out.println("       -d '{\"tenant\":\"default\",\"username\":\"alice\",\"password\":\"correct-horse-42\"}' | sed 's/.*\"accessToken\":\"\\([^\"]*\\)\".*/\\1/')");
        System.out.println("  CONV=$(curl -s -X POST " + api + "/api/v1/conversations -H \"Authorization: Bearer $TOKEN\" \\");
        System.out.println("       -H 'Content-Type: application/json' -d '{\"type\":\"GROUP\",\"title\":\"Hello\",\"memberIds\":[]}' \\");
        System.out.println("       | sed 's/^{\"id\":\"\\([^\"]*\\)\".*/\\1/')");
        System.out.println("  curl -s -X POST " + api + "/api/v1/conversations/$CONV/messages -H \"Authorization: Bearer $TOKEN\" \\");
        System.out.println("       -H 'Content-Type: application/json' -d '{\"clientMsgId\":\"m1\",\"body\":\"hello\"}'");
        System.out.println("  curl -s \"" + api + "/api/v1/conversations/$CONV/messages?afterSeq=0\" -H \"Authorization: Bearer $TOKEN\"");
        System.out.println();
        System.out.println("WebSocket (browser): new WebSocket(\"" + ws + "\", [\"chat.v1\", \"bearer.\" + token])");
        System.out.println("  then send {\"type\":\"subscribe\",\"id\":\"1\",\"conversationId\":\"<id>\",\"afterSeq\":0}");
        System.out.println("  and      {\"type\":\"send\",\"id\":\"2\",\"conversationId\":\"<id>\",\"clientMsgId\":\"<uuid>\",\"body\":\"hi\"}");
        System.out.println();
        System.out.println("Press Ctrl-C to stop everything.");
    }

    private static int replicas(String value) {
        try {
            int replicas = Integer.parseInt(value);
            if (replicas >= 1 && replicas <= 4) {
                return replicas;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        System.err.println("--replicas takes a number from 1 to 4, not " + value);
        System.exit(2);
        return 1;
    }

    private static String next(List<String> rest, String option) {
        if (rest.isEmpty()) {
            System.err.println(option + " needs a value");
            System.exit(2);
        }
        return rest.remove(0);
    }
}
