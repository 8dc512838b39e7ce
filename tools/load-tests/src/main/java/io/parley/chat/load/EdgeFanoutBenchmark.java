package io.parley.chat.load;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import io.netty.buffer.ByteBuf;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;

/**
 * Fan-out through one edge: one conversation, {@code sockets} sockets subscribed to it,
 * and a sender posting {@code rate} messages a second over the edge's own {@code send}
 * frame. Every subscribed socket must receive exactly seq 1..M in order; each receipt is
 * timed from the message's {@code createdAt} (stamped by message-service when it stored
 * it) to the moment the socket read the frame, so the figure covers message-service's
 * outbox, Kafka, the edge's ordering and the write to every socket.
 *
 * <p>Usage: {@code tools/load-tests/bench EdgeFanoutBenchmark [key=value...]}:
 * <ul>
 * <li>{@code sockets=1000}: subscribed sockets; {@code users=4}: users they belong to (the
 *     benchmark raises the edge's per-user cap when it starts the cluster);</li>
 * <li>{@code rate=100}: messages per second; {@code seconds=20}: the measured phase,
 *     after a warm-up of {@code warmup=150} seconds at the same rate (shorter ones measure
 *     the JIT still compiling);</li>
 * <li>{@code ramp}: instead, steps of {@code step=10} seconds at rates rising by half, from
 *     {@code rate}, up to {@code max-rate=3000}, until p99 reaches 100 ms or a message is
 *     lost; prints the highest rate that held;</li>
 * <li>{@code threads=2}: the client's event-loop threads;</li>
 * <li>{@code gateway=http://host:port edge=ws://host:port/ws}: attach to a running
 *     cluster instead of starting one (its per-user cap then limits sockets per user).</li>
 * </ul>
 */
public final class EdgeFanoutBenchmark {

    private static final byte[] MESSAGE = LeanSocket.ascii("{\"type\":\"message\"");
    private static final byte[] SUBSCRIBED = LeanSocket.ascii("{\"type\":\"subscribed\"");
    private static final byte[] ACK = LeanSocket.ascii("{\"type\":\"ack\"");
    private static final byte[] ERROR = LeanSocket.ascii("{\"type\":\"error\"");
    private static final byte[] SUBSCRIBE_ID = LeanSocket.ascii("\"id\":\"s\"");
    private static final byte[] SEQ = LeanSocket.ascii("\"seq\":");
    private static final byte[] ID = LeanSocket.ascii("\"id\":\"");
    private static final byte[] CREATED_AT = LeanSocket.ascii("\"createdAt\":\"");
    private static final double TARGET_P99_MS = 100;

    private final Recorder latency = new Recorder(TimeUnit.MINUTES.toMicros(1), 3);
    private final Recorder ackLatency = new Recorder(TimeUnit.MINUTES.toMicros(1), 3);
    private final AtomicInteger subscribed = new AtomicInteger();
    private final AtomicLong acks = new AtomicLong();
    private final AtomicLong sendErrors = new AtomicLong();
    private final AtomicLong otherErrors = new AtomicLong();
    private final AtomicLong highestAckedSeq = new AtomicLong();
    private final List<Receiver> receivers = new ArrayList<>();
    private final List<LeanSocket> subscribers = new ArrayList<>();
    private final List<LeanSocket> senders = new ArrayList<>();
    private final java.util.Queue<Receiver> refusedSubscribes = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile String firstError;
    /** createdAt of each seq in microseconds, parsed once by whichever socket reads it first. */
    private AtomicLongArray createdAt;
    /** When each send was due, by its sequence number in the run, for the ack latency. */
    private AtomicLongArray sendDue;
    private long sendsSoFar;
    private String conversationId;
    /** The local cluster's processes, to say where the CPU went; empty when attached to a running cluster. */
    private Map<String, Long> pids = Map.of();

    private EdgeFanoutBenchmark() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = EdgeBench.arguments(argv);
        int sockets = EdgeBench.intArg(args, "sockets", 1000);
        int rate = EdgeBench.intArg(args, "rate", 100);
        int seconds = EdgeBench.intArg(args, "seconds", 20);
        int warmup = EdgeBench.intArg(args, "warmup", 150);
        int step = EdgeBench.intArg(args, "step", 10);
        int maxRate = EdgeBench.intArg(args, "max-rate", 3000);
        int threads = EdgeBench.intArg(args, "threads", 2);
        boolean ramp = args.containsKey("ramp");
        int userCount = EdgeBench.intArg(args, "users", args.containsKey("gateway") ? (sockets + 19) / 20 + 1 : 4);
        List<Integer> rates = new ArrayList<>();
        if (ramp) {
            for (int r = rate; r <= maxRate; r = Math.max(r + 10, (int) Math.round(r * 1.5 / 10) * 10)) {
                rates.add(r);
            }
        } else {
            rates.add(rate);
        }
        long planned = (long) rate * warmup + rates.stream().mapToLong(r -> (long) r * (ramp ? step : seconds)).sum();
        System.out.printf("EdgeFanoutBenchmark: %d sockets of %d users, %s, %d cores, load %s%n", sockets, userCount,
                ramp ? "ramp " + rates + " msg/s, " + step + " s each" : rate + " msg/s for " + seconds + " s",
                Runtime.getRuntime().availableProcessors(), EdgeBench.load());

        EdgeFanoutBenchmark bench = new EdgeFanoutBenchmark();
        bench.createdAt = new AtomicLongArray((int) Math.min(Integer.MAX_VALUE - 8, planned + 1000));
        bench.sendDue = new AtomicLongArray((int) Math.min(Integer.MAX_VALUE - 8, planned + 1000));
        try (EdgeBench.Target target = EdgeBench.target(args, MessageSendBenchmark.jvmOptions())) {
            List<EdgeBench.User> users = EdgeBench.users(target.gateway(), userCount);
            bench.conversationId = EdgeBench.conversation(target.gateway(), users);
            bench.pids = target.pids();
            HttpClient client = LeanSocket.client(threads);
            bench.open(client, target.edge(), users, sockets);
            Senders senders = new Senders(client, target.edge(), users.get(0).token());
            Thread pinger = EdgeBench.keepAlive(bench.subscribers, Duration.ofSeconds(30));
            try {
                if (warmup > 0) {
                    bench.ensureSenders(senders, rate);
                    bench.phase(rate, warmup, "warm-up");
                }
                int highest = 0;
                for (int r : rates) {
                    bench.ensureSenders(senders, r);
                    Phase result = bench.phase(r, ramp ? step : seconds, ramp ? "step" : "measured");
                    if (!result.held()) {
                        break;
                    }
                    highest = r;
                }
                if (ramp) {
                    System.out.printf("highest rate with p99 < %.0f ms and nothing lost: %s%n", TARGET_P99_MS,
                            highest == 0 ? "none of the steps" : highest + " msg/s = " + (long) highest * sockets
                                    + " deliveries/s to " + sockets + " sockets");
                }
            } finally {
                pinger.interrupt();
                bench.subscribers.forEach(LeanSocket::close);
                bench.senders.forEach(LeanSocket::close);
            }
        }
    }

    /** Opens and subscribes every receiving socket; the sender's sockets come with the first phase's rate. */
    private void open(HttpClient client, String edge, List<EdgeBench.User> users, int sockets)
            throws InterruptedException {
        long started = System.nanoTime();
        for (int i = 0; i < sockets; i++) {
            receivers.add(new Receiver());
        }
        subscribers.addAll(Flux.range(0, sockets)
                .flatMapSequential(i -> LeanSocket.connect(client, edge, users.get(i % users.size()).token(),
                        receivers.get(i)), 64)
                .collectList().block());
        String subscribe = "{\"type\":\"subscribe\",\"id\":\"s\",\"conversationId\":\"" + conversationId + "\"}";
        int retries = Subscribes.all(subscribers, receivers, refusedSubscribes, subscribed, subscribe, 120);
        if (subscribed.get() < sockets) {
            throw new IllegalStateException("only " + subscribed.get() + " of " + sockets + " sockets subscribed; "
                    + otherErrors.get() + " error frames, the first: " + firstError);
        }
        if (retries > 0) {
            System.out.printf("%d subscribes were refused and retried; the first refusal: %s%n", retries, firstError);
        }
        System.out.printf("%d sockets subscribed in %.1f s%n", sockets, (System.nanoTime() - started) / 1e9);
    }

    /** Where the sender's sockets connect, as whom. */
    private record Senders(HttpClient client, String edge, String token) {
    }

    /**
     * Opens sender sockets until there are enough for {@code rate}. The edge handles one
     * socket's frames one after another, each send waiting for message-service, so a socket
     * sends at most 1/(send time) a second: 2 a second per socket keeps up while acks take
     * up to 500 ms (at 10 a second, a loaded run's acks fell behind the schedule and the
     * backlog, not the edge, set the figures); at most 250. They are opened as the rate
     * rises, not all at once for a ramp's top rate: each is the sender's member socket
     * without a subscription, so every message also sends it an {@code activity} frame,
     * which is load the figures do not count.
     */
    private void ensureSenders(Senders to, int rate) {
        int wanted = Math.max(4, Math.min(250, (rate + 1) / 2));
        if (senders.size() >= wanted) {
            return;
        }
        FrameSink sink = new FrameSink();
        senders.addAll(Flux.range(0, wanted - senders.size())
                .flatMap(i -> LeanSocket.connect(to.client(), to.edge(), to.token(), sink), 16)
                .collectList().block());
        System.out.printf("%d sender sockets open%n", senders.size());
    }

    private record Phase(boolean held) {
    }

    /**
     * Sends at {@code rate} for {@code seconds} (open loop: each send goes out when it is
     * due, whether or not earlier ones were acknowledged), waits for the acks and for every
     * socket to catch up, and prints the phase's figures.
     */
    private Phase phase(int rate, int seconds, String label) throws InterruptedException {
        long[] before = totals();
        CpuMeter cpu = CpuMeter.start(pids);
        latency.reset();
        ackLatency.reset();
        long acksBefore = acks.get();
        long errorsBefore = sendErrors.get();
        long count = (long) rate * seconds;
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        for (long i = 0; i < count; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            long n = sendsSoFar++;
            if (n < sendDue.length()) {
                sendDue.set((int) n, EdgeBench.nowMicros() - Math.max(0, -wait) / 1000);
            }
            senders.get((int) (n % senders.size())).send("{\"type\":\"send\",\"id\":\"" + n + "\",\"conversationId\":\""
                    + conversationId + "\",\"clientMsgId\":\"b" + n + "\",\"body\":\"fan-out benchmark message " + n + "\"}");
        }
        long sent = System.nanoTime();
        long drainDeadline = sent + TimeUnit.SECONDS.toNanos(15);
        while (acks.get() + sendErrors.get() < sendsSoFar && System.nanoTime() < drainDeadline) {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        long acked = System.nanoTime();
        long head = highestAckedSeq.get();
        // delivery gets its own window after the last ack: under overload the acks alone can use up the first one
        long catchUpDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!caughtUp(head) && System.nanoTime() < catchUpDeadline) {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        long drained = System.nanoTime();
        long[] after = totals();
        long deliveries = after[0] - before[0];
        long lost = 0;
        int closed = 0;
        for (int i = 0; i < receivers.size(); i++) {
            lost += receivers.get(i).missing(head);
            closed += subscribers.get(i).closeCode() != 0 ? 1 : 0;
        }
        Histogram h = latency.getIntervalHistogram();
        Histogram ackH = ackLatency.getIntervalHistogram();
        double sendSeconds = (acked - start) / 1e9;
        long phaseAcks = acks.get() - acksBefore;
        double deliverySeconds = (drained - start) / 1e9;
        System.out.printf("%-8s %5d msg/s x %d s: sent %d, acked %d (%.0f/s), send errors %d, ack %s%n", label, rate,
                seconds, count, phaseAcks, phaseAcks / sendSeconds, sendErrors.get() - errorsBefore,
                Percentiles.describe(ackH));
        System.out.printf("         deliveries %d in %.2f s = %.0f/s; latency createdAt->receipt %s%n", deliveries,
                deliverySeconds, deliveries / deliverySeconds, Percentiles.describe(h));
        System.out.printf("         seq 1..%d on %d sockets: lost (not received 10 s after the last ack) %d, duplicates %d,"
                        + " misordered %d, sockets closed %d;"
                        + " load %s%n", head, receivers.size(), lost, after[1], after[2], closed, EdgeBench.load());
        if (!pids.isEmpty()) {
            cpu.print("1,000 deliveries", Math.max(1, deliveries / 1000));
        }
        boolean complete = lost == 0 && after[1] == 0 && after[2] == 0 && closed == 0 && phaseAcks == count;
        boolean kept = phaseAcks / sendSeconds >= rate * 0.95;
        return new Phase(complete && kept && h.getValueAtPercentile(99) < TARGET_P99_MS * 1000);
    }

    private boolean caughtUp(long head) {
        for (int i = 0; i < receivers.size(); i++) {
            if (receivers.get(i).last() < head && subscribers.get(i).closeCode() == 0) {
                return false;
            }
        }
        return true;
    }

    /** Deliveries, duplicates and misordered receipts over all sockets, so far. */
    private long[] totals() {
        long[] sum = new long[3];
        for (Receiver r : receivers) {
            sum[0] += r.received();
            sum[1] += r.duplicates;
            sum[2] += r.misordered;
        }
        return sum;
    }

    private long createdAtMicros(long seq, ByteBuf frame) {
        long cached = seq < createdAt.length() ? createdAt.get((int) seq) : 0;
        if (cached != 0) {
            return cached;
        }
        String text = LeanSocket.stringAfter(frame, CREATED_AT);
        if (text == null) {
            return 0;
        }
        Instant at = Instant.parse(text);
        long micros = at.getEpochSecond() * 1_000_000 + at.getNano() / 1000;
        if (seq < createdAt.length()) {
            createdAt.set((int) seq, micros);
        }
        return micros;
    }

    /**
     * One subscribed socket's view of the conversation. Its frames are all handled on the
     * socket's own Netty thread; {@code received} is written last and read first, so the
     * main thread sees the other fields as of that count.
     */
    private final class Receiver implements LeanSocket.FrameHandler {

        private final BitSet seen = new BitSet();
        private long last;
        long duplicates;
        long misordered;
        private volatile long lastSeen;
        private volatile long received;

        @Override
        public void frame(LeanSocket socket, ByteBuf payload) {
            if (LeanSocket.startsWith(payload, MESSAGE)) {
                long now = EdgeBench.nowMicros();
                long seq = LeanSocket.longAfter(payload, SEQ);
                if (seq <= 0) {
                    otherErrors.incrementAndGet();
                    return;
                }
                long created = createdAtMicros(seq, payload);
                if (created > 0) {
                    latency.recordValue(Math.min(TimeUnit.MINUTES.toMicros(1), Math.max(0, now - created)));
                }
                if (seen.get((int) seq)) {
                    duplicates++;
                } else {
                    seen.set((int) seq);
                    if (seq < last) {
                        misordered++;
                    }
                }
                last = Math.max(last, seq);
                lastSeen = last;
                received = received + 1;
            } else if (LeanSocket.startsWith(payload, SUBSCRIBED)) {
                subscribed.incrementAndGet();
            } else if (LeanSocket.startsWith(payload, ERROR)) {
                otherErrors.incrementAndGet();
                if (firstError == null) {
                    firstError = payload.toString(java.nio.charset.StandardCharsets.UTF_8);
                }
                if (LeanSocket.after(payload, SUBSCRIBE_ID) >= 0) {
                    refusedSubscribes.add(this);
                }
            }
        }

        long received() {
            return received;
        }

        long last() {
            return lastSeen;
        }

        /** Seqs in 1..head this socket has not received. */
        long missing(long head) {
            if (received() == 0) {
                return head;
            }
            return head - seen.get(1, (int) head + 1).cardinality();
        }
    }

    /** The sender's sockets: acks (timed from when the send was due) and refusals. */
    private final class FrameSink implements LeanSocket.FrameHandler {

        @Override
        public void frame(LeanSocket socket, ByteBuf payload) {
            if (LeanSocket.startsWith(payload, ACK)) {
                String id = LeanSocket.stringAfter(payload, ID);
                long n = id == null ? -1 : Long.parseLong(id);
                if (n >= 0 && n < sendDue.length()) {
                    ackLatency.recordValue(Math.min(TimeUnit.MINUTES.toMicros(1),
                            Math.max(0, EdgeBench.nowMicros() - sendDue.get((int) n))));
                }
                highestAckedSeq.accumulateAndGet(LeanSocket.longAfter(payload, SEQ), Math::max);
                acks.incrementAndGet();
            } else if (LeanSocket.startsWith(payload, ERROR)) {
                sendErrors.incrementAndGet();
                if (firstError == null) {
                    firstError = payload.toString(java.nio.charset.StandardCharsets.UTF_8);
                }
            }
        }
    }
}
