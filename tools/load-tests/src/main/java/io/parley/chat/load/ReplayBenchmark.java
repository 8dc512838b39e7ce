package io.parley.chat.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.parley.chat.cluster.LocalCluster;

/**
 * Replay speed on the user's path: a conversation with {@code history} messages of
 * {@code body} code points (the maximum, 4,000, by default) sent through the gateway's
 * REST API, then replayed from {@code afterSeq=0} over the gateway's {@code /ws}: first to
 * one socket, then to {@code sockets} sockets at once, one socket per user (the per-user
 * cap stays on). Each socket must get seq 1..head exactly once, in order; the figure is
 * entries (and megabytes) a second from the {@code subscribe} to the last entry, and for
 * the many-socket run the aggregate and the slowest socket.
 *
 * <p>Usage: {@code tools/load-tests/bench ReplayBenchmark [history=2000] [sockets=100]
 * [body=4000] [senders=10]}. The services run with the local run's JVM options
 * ({@code LocalCluster.Options.DEFAULT_JVM_OPTIONS}, as {@code ./run}); set
 * {@code BENCH_JVM_OPTS} to add to them.
 */
public final class ReplayBenchmark {

    private static final byte[] MESSAGE = LeanSocket.ascii("{\"type\":\"message\"");
    private static final byte[] ERROR = LeanSocket.ascii("{\"type\":\"error\"");
    private static final byte[] SEQ = LeanSocket.ascii("\"seq\":");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ScheduledExecutorService RETRY = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "resubscribe");
        thread.setDaemon(true);
        return thread;
    });

    private ReplayBenchmark() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = EdgeBench.arguments(argv);
        int history = EdgeBench.intArg(args, "history", 2000);
        int sockets = EdgeBench.intArg(args, "sockets", 100);
        int body = EdgeBench.intArg(args, "body", 4000);
        int senders = EdgeBench.intArg(args, "senders", 10);
        List<String> jvmOptions = new ArrayList<>(LocalCluster.Options.DEFAULT_JVM_OPTIONS);
        String extra = System.getenv("BENCH_JVM_OPTS");
        if (extra != null && !extra.isBlank()) {
            jvmOptions.addAll(List.of(extra.trim().split("\\s+")));
        }
        System.out.printf("ReplayBenchmark: %d messages of %d code points, replayed to 1 and to %d sockets through the"
                + " gateway, %d cores, load %s%n", history, body, sockets, Runtime.getRuntime().availableProcessors(),
                EdgeBench.load());
        try (EdgeBench.Target target = EdgeBench.target(args, jvmOptions)) {
            String gateway = target.gateway();
            String ws = gateway.replaceFirst("^http", "ws") + "/ws";
            List<EdgeBench.User> users = EdgeBench.users(gateway, Math.max(sockets, senders));
            String conversation = EdgeBench.conversation(gateway, users);
            long filled = System.nanoTime();
            fill(gateway, conversation, users.subList(0, senders), history, body);
            System.out.printf("history: %d messages stored through the gateway in %.1f s%n", history,
                    (System.nanoTime() - filled) / 1e9);

            reactor.netty.http.client.HttpClient client = LeanSocket.client(2);
            Run one = replay(client, ws, conversation, users.subList(0, 1), history);
            one.print("1 socket");
            Run many = replay(client, ws, conversation, users.subList(0, sockets), history);
            many.print(sockets + " sockets at once");
        }
    }

    /** Sends {@code count} messages of {@code size} code points from the senders, retrying 429 and 503 as clients do. */
    private static void fill(String gateway, String conversation, List<EdgeBench.User> senders, int count, int size)
            throws Exception {
        String text = "x".repeat(size);
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(senders.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (EdgeBench.User sender : senders) {
                running.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        send(gateway, conversation, sender, "{\"clientMsgId\":\"r-" + UUID.randomUUID()
                                + "\",\"body\":\"" + text + "\"}");
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void send(String gateway, String conversation, EdgeBench.User sender, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + "/api/v1/conversations/" + conversation
                        + "/messages")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + sender.token())
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status == 200 || status == 201) {
                return;
            }
            if ((status != 429 && status != 503) || attempt > 100) {
                throw new IllegalStateException("send answered " + status + ": " + response.body());
            }
            long wait = response.headers().firstValue("Retry-After").map(Long::parseLong).orElse(1L);
            TimeUnit.MILLISECONDS.sleep(Math.max(100, Math.min(wait * 1000, 2000)));
        }
    }

    /** Opens one socket per user, then subscribes all of them from seq 0 at once and waits for every entry. */
    private static Run replay(reactor.netty.http.client.HttpClient client, String ws, String conversation,
                              List<EdgeBench.User> users, int head) throws Exception {
        CountDownLatch done = new CountDownLatch(users.size());
        AtomicLong bytes = new AtomicLong();
        AtomicInteger broken = new AtomicInteger();
        AtomicInteger refusals = new AtomicInteger();
        long[] finishedAt = new long[users.size()];
        List<LeanSocket> sockets = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            int index = i;
            long[] expected = {1};
            sockets.add(LeanSocket.connect(client, ws, users.get(i).token(), (socket, frame) -> {
                if (LeanSocket.startsWith(frame, MESSAGE)) {
                    bytes.addAndGet(frame.readableBytes());
                    long seq = LeanSocket.longAfter(frame, SEQ);
                    if (seq != expected[0]) {
                        broken.incrementAndGet();
                    }
                    expected[0] = seq + 1;
                    if (seq == head) {
                        finishedAt[index] = System.nanoTime();
                        done.countDown();
                    }
                } else if (LeanSocket.startsWith(frame, ERROR)) {
                    // a client resubscribes after a retryable refusal, from the last seq it has
                    String text = frame.toString(StandardCharsets.UTF_8);
                    System.out.println("error frame (socket " + index + "): " + text);
                    refusals.incrementAndGet();
                    if (text.contains("\"retryable\":true")) {
                        long from = expected[0] - 1;
                        RETRY.schedule(() -> socket.send(subscribe(conversation, from)), 1, TimeUnit.SECONDS);
                    } else {
                        broken.incrementAndGet();
                    }
                }
            }).block());
        }
        long started = System.nanoTime();
        for (LeanSocket socket : sockets) {
            socket.send(subscribe(conversation, 0));
        }
        boolean all = done.await(10, TimeUnit.MINUTES);
        long ended = System.nanoTime();
        sockets.forEach(LeanSocket::close);
        long slowest = 0;
        int completed = 0;
        for (long at : finishedAt) {
            slowest = Math.max(slowest, at == 0 ? ended - started : at - started);
            completed += at == 0 ? 0 : 1;
        }
        return new Run(users.size(), completed, head, broken.get(), refusals.get(), bytes.get(), slowest);
    }

    private static String subscribe(String conversation, long afterSeq) {
        return "{\"type\":\"subscribe\",\"id\":\"s\",\"conversationId\":\"" + conversation + "\",\"afterSeq\":"
                + afterSeq + "}";
    }

    private record Run(int sockets, int completed, int head, int broken, int refusals, long bytes,
                       long slowestNanos) {

        void print(String label) {
            double seconds = slowestNanos / 1e9;
            long entries = (long) completed * head;
            System.out.printf("replay to %s: %d of %d sockets got seq 1..%d in order; %d entries in %.2f s (until the"
                            + " slowest) = %.0f entries/s (%.0f per socket), %.1f MB/s; retryable refusals %d (each"
                            + " resubscribed after 1 s), order breaks or other errors %d%n", label, completed, sockets,
                    head, entries, seconds, entries / seconds, head / seconds, bytes / seconds / 1e6, refusals, broken);
        }
    }
}
