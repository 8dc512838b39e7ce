package io.parley.chat.load;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import org.HdrHistogram.Recorder;

import io.netty.buffer.ByteBuf;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * One server that {@link FanoutVsPeersBenchmark} fans out through, driven by the same
 * client code whatever it is: {@code sockets} receiving sockets on {@link LeanSocket},
 * sender sockets, a send index {@code n} per message (its due time kept under it), and
 * per receiving socket the send indexes and server sequence numbers it got. What differs
 * is only the wire: how a socket connects, how a message is sent, and how a delivery is
 * read back ({@link Cluster}, {@link SocketIo}, {@link Ws}).
 */
abstract class FanoutTarget {

    static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(1);

    final String name;
    final List<Receiver> receivers = new ArrayList<>();
    final List<LeanSocket> receiverSockets = new CopyOnWriteArrayList<>();
    final List<LeanSocket> senderSockets = new CopyOnWriteArrayList<>();
    /** Send (when it was due, this JVM's clock) to receipt, of the current phase's messages. */
    final Recorder sendToReceive = new Recorder(MAX_MICROS, 3);
    /** The server's own stamp (the cluster's createdAt, the peers' ts) to receipt, wall clock. */
    final Recorder stampToReceive = new Recorder(MAX_MICROS, 3);
    /** Send to ack, for targets that acknowledge sends. */
    final Recorder ackLatency = new Recorder(MAX_MICROS, 3);
    final AtomicLong errorFrames = new AtomicLong();
    /** System.nanoTime() at which each send index was due. */
    AtomicLongArray sentAt;
    /** Per send index: 0 while unanswered, the ack's nanoTime, or -1 when the send was refused (acking targets only). */
    AtomicLongArray answeredAt;
    /** The send indexes of the phase being measured, [from, to). */
    volatile long phaseFrom;
    volatile long phaseTo;
    long nextN;
    int capacity;
    volatile String firstError;

    FanoutTarget(String name) {
        this.name = name;
    }

    /** Sizes the per-message arrays for {@code sends} messages in the whole run. */
    void plan(long sends) {
        capacity = (int) Math.min(Integer.MAX_VALUE - 64, sends + 16);
        sentAt = new AtomicLongArray(capacity);
        answeredAt = new AtomicLongArray(acknowledges() ? capacity : 1);
    }

    // ---- what each target says differently

    abstract Mono<LeanSocket> connect(HttpClient client, int index, boolean sender, LeanSocket.FrameHandler handler);

    /** A receiving socket's frame. */
    abstract void receiverFrame(Receiver receiver, LeanSocket socket, ByteBuf frame);

    /** A sender socket's frame. */
    abstract void senderFrame(LeanSocket socket, ByteBuf frame);

    /** The frame that sends message {@code n} with {@code body}. */
    abstract String sendFrame(long n, String body);

    /** After the receiving sockets are open: whatever makes them receive (subscribe, namespace connect). */
    abstract void afterOpen() throws InterruptedException;

    /** Until the sender sockets may send. */
    abstract void awaitSenders() throws InterruptedException;

    /** Whether sends are acknowledged one by one (the cluster's ack frame). */
    boolean acknowledges() {
        return false;
    }

    /** This target's server processes by name, for the CPU figures. */
    abstract Map<String, Long> pids();

    // ---- the same for every target

    /** Opens {@code sockets} receiving sockets, 64 handshakes at a time, then {@link #afterOpen()}. */
    final void open(HttpClient client, int sockets) throws InterruptedException {
        long started = System.nanoTime();
        for (int i = 0; i < sockets; i++) {
            receivers.add(new Receiver(this, capacity));
        }
        receiverSockets.addAll(Flux.range(0, sockets)
                .flatMapSequential(i -> connect(client, i, false, receivers.get(i)), 64)
                .collectList().block());
        afterOpen();
        System.out.printf("%s: %d receiving sockets ready in %.1f s%n", name, sockets,
                (System.nanoTime() - started) / 1e9);
    }

    /** Opens sender sockets until there are {@code count}. */
    final void ensureSenders(HttpClient client, int count) throws InterruptedException {
        if (senderSockets.size() >= count) {
            return;
        }
        LeanSocket.FrameHandler handler = this::senderFrame;
        int have = senderSockets.size();
        senderSockets.addAll(Flux.range(have, count - have)
                .flatMap(i -> connect(client, i, true, handler), 16)
                .collectList().block());
        awaitSenders();
    }

    /** A send index's due time, or 0 when it is outside the run's arrays. */
    final long sentAt(long n) {
        return n >= 0 && n < capacity ? sentAt.get((int) n) : 0;
    }

    final void error(String frame) {
        errorFrames.incrementAndGet();
        if (firstError == null) {
            firstError = frame.length() > 300 ? frame.substring(0, 300) + "..." : frame;
        }
    }

    void close() {
        receiverSockets.forEach(LeanSocket::close);
        senderSockets.forEach(LeanSocket::close);
    }

    /**
     * One receiving socket's view. Its frames come on the socket's own event-loop thread;
     * {@code received} is written last and read first, so the main thread sees the other
     * fields as of that count. The bit set is sized for the whole run up front, so it is
     * never reallocated under a reader.
     */
    static final class Receiver implements LeanSocket.FrameHandler {

        private final FanoutTarget target;
        private final int capacity;
        private final BitSet got;
        private long lastSeq;
        long outOfOrder;
        long gaps;
        long duplicates;
        private volatile long received;

        Receiver(FanoutTarget target, int capacity) {
            this.target = target;
            this.capacity = capacity;
            this.got = new BitSet(capacity);
        }

        @Override
        public void frame(LeanSocket socket, ByteBuf payload) {
            target.receiverFrame(this, socket, payload);
        }

        /**
         * A message: the server's sequence number, its send index, and the server's stamp
         * (epoch microseconds, 0 when unknown). A seq that is not the previous one plus one
         * is out of order (not above it) or a gap (above it).
         */
        void delivered(long seq, long n, long stampMicros) {
            long now = System.nanoTime();
            if (n >= target.phaseFrom && n < target.phaseTo) {
                long sent = target.sentAt(n);
                if (sent != 0) {
                    target.sendToReceive.recordValue(Math.min(MAX_MICROS, Math.max(0, (now - sent) / 1000)));
                }
                if (stampMicros > 0) {
                    target.stampToReceive.recordValue(Math.min(MAX_MICROS,
                            Math.max(0, EdgeBench.nowMicros() - stampMicros)));
                }
            }
            if (n >= 0 && n < capacity) {
                if (got.get((int) n)) {
                    duplicates++;
                } else {
                    got.set((int) n);
                }
            }
            if (seq <= lastSeq) {
                outOfOrder++;
            } else if (seq != lastSeq + 1) {
                gaps++;
            }
            lastSeq = Math.max(lastSeq, seq);
            received = received + 1;
        }

        long received() {
            return received;
        }

        /** Of the send indexes set in {@code expected} (offset by {@code from}), how many this socket has not got. */
        long missing(BitSet expected, long from, long to) {
            long seen = received;
            if (seen == 0) {
                return expected.cardinality();
            }
            BitSet mine = got.get((int) from, (int) to);
            BitSet absent = (BitSet) expected.clone();
            absent.andNot(mine);
            return absent.cardinality();
        }

        /** Distinct messages of [from, to) this socket got. */
        long gotIn(long from, long to) {
            long seen = received;
            return seen == 0 ? 0 : got.get((int) from, (int) to).cardinality();
        }
    }

    // ---- the chat cluster, through the gateway's /ws

    /**
     * The chat cluster on the user's path: every socket is the gateway's {@code /ws} with
     * its own user's token, subscribed to one GROUP conversation of all of them; the
     * sender is the conversation's owner, whose sockets send {@code send} frames and get
     * {@code ack}s. A delivery is the edge's {@code message} frame: {@code seq} is
     * message-service's, the send index comes back in {@code clientMsgId}, and the stamp
     * is {@code createdAt} (message-service stored it).
     */
    static final class Cluster extends FanoutTarget {

        private static final byte[] MESSAGE = LeanSocket.ascii("{\"type\":\"message\"");
        private static final byte[] SUBSCRIBED = LeanSocket.ascii("{\"type\":\"subscribed\"");
        private static final byte[] ACK = LeanSocket.ascii("{\"type\":\"ack\"");
        private static final byte[] ERROR = LeanSocket.ascii("{\"type\":\"error\"");
        private static final byte[] SUBSCRIBE_ID = LeanSocket.ascii("\"id\":\"s\"");
        private static final byte[] SEQ = LeanSocket.ascii("\"seq\":");
        private static final byte[] ID = LeanSocket.ascii("\"id\":\"");
        private static final byte[] SEND_INDEX = LeanSocket.ascii("\"clientMsgId\":\"f");
        private static final byte[] CREATED_AT = LeanSocket.ascii("\"createdAt\":\"");

        private final String ws;
        private final List<GatewaySetup.User> receiverUsers;
        private final GatewaySetup.User sender;
        private final String conversationId;
        private final Map<String, Long> pids;
        private final AtomicInteger subscribed = new AtomicInteger();
        private final Queue<Receiver> refusedSubscribes = new ConcurrentLinkedQueue<>();
        /** createdAt of each send index in microseconds, parsed once by whichever socket reads it first. */
        private AtomicLongArray createdAt;

        Cluster(String ws, List<GatewaySetup.User> receiverUsers, GatewaySetup.User sender, String conversationId,
                Map<String, Long> pids) {
            super("cluster");
            this.ws = ws;
            this.receiverUsers = receiverUsers;
            this.sender = sender;
            this.conversationId = conversationId;
            this.pids = pids;
        }

        @Override
        void plan(long sends) {
            super.plan(sends);
            createdAt = new AtomicLongArray(capacity);
        }

        @Override
        boolean acknowledges() {
            return true;
        }

        @Override
        Map<String, Long> pids() {
            return pids;
        }

        @Override
        Mono<LeanSocket> connect(HttpClient client, int index, boolean isSender, LeanSocket.FrameHandler handler) {
            return LeanSocket.connect(client, ws, isSender ? sender.token() : receiverUsers.get(index).token(), handler);
        }

        @Override
        void receiverFrame(Receiver receiver, LeanSocket socket, ByteBuf frame) {
            if (LeanSocket.startsWith(frame, MESSAGE)) {
                long seq = LeanSocket.longAfter(frame, SEQ);
                long n = LeanSocket.longAfter(frame, SEND_INDEX);
                receiver.delivered(seq, n, createdAtMicros(n, frame));
            } else if (LeanSocket.startsWith(frame, SUBSCRIBED)) {
                subscribed.incrementAndGet();
            } else if (LeanSocket.startsWith(frame, ERROR)) {
                error(frame.toString(StandardCharsets.UTF_8));
                if (LeanSocket.after(frame, SUBSCRIBE_ID) >= 0) {
                    refusedSubscribes.add(receiver);
                }
            }
        }

        private long createdAtMicros(long n, ByteBuf frame) {
            boolean cacheable = n >= 0 && n < capacity;
            long cached = cacheable ? createdAt.get((int) n) : 0;
            if (cached != 0) {
                return cached;
            }
            String text = LeanSocket.stringAfter(frame, CREATED_AT);
            if (text == null) {
                return 0;
            }
            Instant at = Instant.parse(text);
            long micros = at.getEpochSecond() * 1_000_000 + at.getNano() / 1000;
            if (cacheable) {
                createdAt.set((int) n, micros);
            }
            return micros;
        }

        @Override
        void senderFrame(LeanSocket socket, ByteBuf frame) {
            boolean ack = LeanSocket.startsWith(frame, ACK);
            if (!ack && !LeanSocket.startsWith(frame, ERROR)) {
                return; // activity frames: the sender is a member without a subscription
            }
            String id = LeanSocket.stringAfter(frame, ID);
            long n = -1;
            if (id != null) {
                try {
                    n = Long.parseLong(id);
                } catch (NumberFormatException e) {
                    n = -1;
                }
            }
            if (!ack) {
                error(frame.toString(StandardCharsets.UTF_8));
            }
            if (n < 0 || n >= capacity) {
                return;
            }
            long now = System.nanoTime();
            if (ack) {
                answeredAt.set((int) n, now);
                long sent = sentAt(n);
                if (sent != 0 && n >= phaseFrom && n < phaseTo) {
                    ackLatency.recordValue(Math.min(MAX_MICROS, Math.max(0, (now - sent) / 1000)));
                }
            } else {
                answeredAt.set((int) n, -1);
            }
        }

        @Override
        String sendFrame(long n, String body) {
            return "{\"type\":\"send\",\"id\":\"" + n + "\",\"conversationId\":\"" + conversationId
                    + "\",\"clientMsgId\":\"f" + n + "\",\"body\":\"" + body + "\"}";
        }

        /**
         * Subscribes every receiving socket, 50 subscribes in flight; one refused (an
         * upstream call that timed out under the burst) is sent again, as a client would.
         */
        @Override
        void afterOpen() throws InterruptedException {
            String subscribe = "{\"type\":\"subscribe\",\"id\":\"s\",\"conversationId\":\"" + conversationId + "\"}";
            int sockets = receivers.size();
            int retries = Subscribes.all(receiverSockets, receivers, refusedSubscribes, subscribed, subscribe, 180);
            if (subscribed.get() < sockets) {
                throw new IllegalStateException("cluster: only " + subscribed.get() + " of " + sockets
                        + " sockets subscribed; the first error frame: " + firstError);
            }
            if (retries > 0) {
                System.out.printf("cluster: %d refused subscribes were sent again; the first refusal: %s%n", retries,
                        firstError);
            }
        }

        @Override
        void awaitSenders() {
            // a send socket needs nothing after its handshake
        }
    }

    // ---- the peers

    /** What the two Node peers share: loopback URLs with {@code role=sender} for senders, and their one process. */
    abstract static class Peer extends FanoutTarget {

        /** LeanSocket always sends a bearer header; the peers ignore it, and this is no token of anyone's. */
        static final String NO_TOKEN = "none";
        static final byte[] SEQ = LeanSocket.ascii("\"seq\":");
        static final byte[] SEND_INDEX = LeanSocket.ascii("\"n\":");
        static final byte[] STAMP = LeanSocket.ascii("\"ts\":");

        final NodePeer server;

        Peer(String name, NodePeer server) {
            super(name);
            this.server = server;
        }

        abstract String url(boolean sender);

        @Override
        Mono<LeanSocket> connect(HttpClient client, int index, boolean sender, LeanSocket.FrameHandler handler) {
            return LeanSocket.connect(client, url(sender), NO_TOKEN, handler);
        }

        @Override
        Map<String, Long> pids() {
            return Map.of(name, server.pid());
        }

        /** The peers' message: {"seq":S,"n":N,"ts":T,"body":...}, the fields in that order, before the body. */
        static void read(Receiver receiver, ByteBuf frame) {
            receiver.delivered(LeanSocket.longAfter(frame, SEQ), LeanSocket.longAfter(frame, SEND_INDEX),
                    Math.max(0, LeanSocket.longAfter(frame, STAMP)));
        }
    }

    /**
     * Socket.IO 4.8 spoken directly as Engine.IO v4 over WebSocket: the server opens with
     * {@code 0{...}}, the client connects to the default namespace with {@code 40} and is
     * answered {@code 40{"sid":...}}, events are {@code 42["chat",{...}]}, and the
     * server's ping {@code 2} is answered with {@code 3}.
     */
    static final class SocketIo extends Peer {

        private static final byte[] OPEN = LeanSocket.ascii("0{");
        private static final byte[] CONNECTED = LeanSocket.ascii("40");
        private static final byte[] CHAT = LeanSocket.ascii("42[\"chat\",");
        private static final byte[] CONNECT_ERROR = LeanSocket.ascii("44");
        private static final byte[] DISCONNECT = LeanSocket.ascii("41");
        private final AtomicInteger connectedReceivers = new AtomicInteger();
        private final AtomicInteger connectedSenders = new AtomicInteger();

        SocketIo(NodePeer server) {
            super("socketio", server);
        }

        @Override
        String url(boolean sender) {
            return "ws://127.0.0.1:" + server.port() + "/socket.io/?EIO=4&transport=websocket"
                    + (sender ? "&role=sender" : "");
        }

        @Override
        void receiverFrame(Receiver receiver, LeanSocket socket, ByteBuf frame) {
            if (LeanSocket.startsWith(frame, CHAT)) {
                read(receiver, frame);
            } else if (!engine(socket, frame) && LeanSocket.startsWith(frame, CONNECTED)) {
                connectedReceivers.incrementAndGet();
            }
        }

        @Override
        void senderFrame(LeanSocket socket, ByteBuf frame) {
            if (!engine(socket, frame) && LeanSocket.startsWith(frame, CONNECTED)) {
                connectedSenders.incrementAndGet();
            }
        }

        /** Engine.IO's own packets, and refusals; true when the frame was one of them. */
        private boolean engine(LeanSocket socket, ByteBuf frame) {
            if (frame.readableBytes() == 1 && frame.getByte(frame.readerIndex()) == '2') {
                socket.send("3");
                return true;
            }
            if (LeanSocket.startsWith(frame, OPEN)) {
                socket.send("40");
                return true;
            }
            if (LeanSocket.startsWith(frame, CONNECT_ERROR) || LeanSocket.startsWith(frame, DISCONNECT)) {
                error(frame.toString(StandardCharsets.UTF_8));
                return true;
            }
            return false;
        }

        @Override
        String sendFrame(long n, String body) {
            return "42[\"chat\",{\"n\":" + n + ",\"body\":\"" + body + "\"}]";
        }

        @Override
        void afterOpen() throws InterruptedException {
            awaitConnected(connectedReceivers, receivers.size(), "receiving");
        }

        @Override
        void awaitSenders() throws InterruptedException {
            awaitConnected(connectedSenders, senderSockets.size(), "sender");
        }

        private void awaitConnected(AtomicInteger connected, int wanted, String what) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (connected.get() < wanted && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(5);
            }
            if (connected.get() < wanted) {
                throw new IllegalStateException("socketio: only " + connected.get() + " of " + wanted + " " + what
                        + " sockets connected to the namespace; the first error: " + firstError);
            }
        }
    }

    /** A bare {@code ws} server: a message is JSON text both ways, nothing else on the wire. */
    static final class Ws extends Peer {

        private static final byte[] MESSAGE = LeanSocket.ascii("{\"seq\":");

        Ws(NodePeer server) {
            super("ws", server);
        }

        @Override
        String url(boolean sender) {
            return "ws://127.0.0.1:" + server.port() + "/" + (sender ? "?role=sender" : "");
        }

        @Override
        void receiverFrame(Receiver receiver, LeanSocket socket, ByteBuf frame) {
            if (LeanSocket.startsWith(frame, MESSAGE)) {
                read(receiver, frame);
            }
        }

        @Override
        void senderFrame(LeanSocket socket, ByteBuf frame) {
            // the ws peer writes nothing to senders
        }

        @Override
        String sendFrame(long n, String body) {
            return "{\"n\":" + n + ",\"body\":\"" + body + "\"}";
        }

        @Override
        void afterOpen() {
            // the server counts a socket as a receiver from its handshake on
        }

        @Override
        void awaitSenders() {
            // nothing after the handshake
        }
    }
}
