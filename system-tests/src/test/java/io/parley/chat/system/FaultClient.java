package io.parley.chat.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import tools.jackson.databind.JsonNode;

/**
 * One user's chat client as a careful app is written: one socket through the gateway,
 * subscribed to one conversation; it sends at a steady pace, resends every send that has
 * no ack (after an error that says retryable, after a drop, or after 3 s) with the same
 * {@code clientMsgId}, and after every drop reconnects and resumes with {@code afterSeq}
 * of the last entry it holds. It records what it was told, so that a test can check the
 * cluster's promises against it: every ack, every entry in stream order, every gap, every
 * error that was not retryable, and how long sends went unacked and the socket was down.
 */
final class FaultClient implements AutoCloseable {

    /** An unacked send is sent again after this long, whatever happened to it. */
    private static final long RESEND_AFTER_NANOS = Duration.ofSeconds(3).toNanos();
    /** A send answered with a retryable error is sent again after this long. */
    private static final long RETRY_AFTER_NANOS = Duration.ofMillis(500).toNanos();
    private static final int MAX_PENDING = 5;
    private static final int MAX_FRAME = 4 * 1024 * 1024;

    private final String name;
    private final String url;
    private final Api.User user;
    private final String conversationId;
    private final long sendEveryNanos;
    private final ScheduledExecutorService timer;

    // guarded by this
    private long lastSeq;
    private final Map<Long, String> createdBySeq = new HashMap<>();
    private final Map<String, Long> acked = new HashMap<>();
    /** clientMsgId -> when it may be sent again (nanoTime). */
    private final Map<String, Long> pending = new LinkedHashMap<>();
    private final Map<String, String> bodies = new HashMap<>();
    /** clientMsgId -> when it was first sent (nanoTime), while unacked. */
    private final Map<String, Long> firstSent = new HashMap<>();
    private final List<String> ackedInWindow = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private long redelivered;
    private long sent;
    private long nextSendAt;
    private int counter;
    private Sinks.Many<String> out;
    private boolean live;
    private long droppedAt;
    private int attempts;
    /** Subscribes refused (retryably) since the last that took. */
    private int subscribeRefusals;
    private boolean closed;
    private Disposable connection;
    // the current window's figures (see window())
    private long lastAckAt;
    private long longestAckGap;
    private long longestDown;
    private int drops;
    private int connectFailures;
    /** When the current connection attempt began, and when its socket opened (nanoTime; 0 when not yet). */
    private long connectingAt;
    private long openedAt;
    private long longestHandshake;
    private long longestSubscribe;
    private String lastConnectError;
    private String lastError;

    FaultClient(String name, String gatewayWebSocketUrl, Api.User user, String conversationId, Duration sendEvery,
                ScheduledExecutorService timer) {
        this.name = name;
        this.url = gatewayWebSocketUrl;
        this.user = user;
        this.conversationId = conversationId;
        this.sendEveryNanos = sendEvery.toNanos();
        this.timer = timer;
    }

    /** Connects within {@code spread} (users do not all arrive in the same millisecond) and starts sending. */
    synchronized void start(Duration spread) {
        long now = System.nanoTime();
        // spread the clients' sends over the period
        nextSendAt = now + spread.toNanos() + (long) (Math.random() * sendEveryNanos);
        lastAckAt = now;
        timer.schedule(this::connect, (long) (Math.random() * spread.toMillis()), TimeUnit.MILLISECONDS);
        timer.scheduleAtFixedRate(this::tick, 100, 100, TimeUnit.MILLISECONDS);
    }

    private synchronized void connect() {
        if (closed) {
            return;
        }
        Sinks.Many<String> sink = Sinks.many().unicast().onBackpressureBuffer();
        connectingAt = System.nanoTime();
        connection = HttpClient.create()
                .headers(headers -> headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + user.token()))
                .websocket(WebsocketClientSpec.builder().protocols("chat.v1").maxFramePayloadLength(MAX_FRAME).build())
                .uri(url)
                .handle((in, outbound) -> {
                    opened(sink);
                    Mono<Void> reading = in.aggregateFrames(MAX_FRAME).receive().asString()
                            .doOnNext(this::onFrame)
                            .then()
                            .doFinally(signal -> sink.tryEmitComplete());
                    return outbound.sendString(sink.asFlux()).then().and(reading);
                })
                .doFinally(signal -> dropped(sink))
                .subscribe(ignored -> { }, this::connectFailed);
    }

    /** A handshake that failed, or a socket that ended with an error: kept for diagnosis. */
    private synchronized void connectFailed(Throwable error) {
        connectFailures++;
        lastConnectError = error.getClass().getSimpleName() + ": " + error.getMessage();
    }

    private synchronized void opened(Sinks.Many<String> sink) {
        openedAt = System.nanoTime();
        longestHandshake = Math.max(longestHandshake, openedAt - connectingAt);
        out = sink;
        emit("{\"type\":\"subscribe\",\"id\":\"sub\",\"conversationId\":\"" + conversationId + "\",\"afterSeq\":" + lastSeq
                + "}");
    }

    private synchronized void resubscribe(Sinks.Many<String> socket) {
        if (out == socket && !live) {
            opened(socket);
        }
    }

    private synchronized void dropped(Sinks.Many<String> sink) {
        if (out == sink || out == null) {
            out = null;
        }
        if (live || droppedAt == 0) {
            drops++;
            droppedAt = System.nanoTime();
        }
        live = false;
        if (closed) {
            return;
        }
        attempts++;
        long backoff = Math.min(2000, 100L * (1L << Math.min(attempts, 5)));
        timer.schedule(this::connect, (long) (backoff * (0.5 + Math.random())), TimeUnit.MILLISECONDS);
    }

    private void onFrame(String text) {
        JsonNode frame = Api.JSON.readTree(text);
        String type = frame.path("type").asString();
        synchronized (this) {
            switch (type) {
                case "subscribed" -> subscribed();
                case "message" -> entry(frame);
                case "ack" -> ack(frame);
                case "error" -> error(frame);
                case "reconnect" -> connection.dispose();
                default -> {
                    // typing, presence, activity: not what this client checks
                }
            }
        }
    }

    private void subscribed() {
        if (!live && openedAt != 0) {
            longestSubscribe = Math.max(longestSubscribe, System.nanoTime() - openedAt);
        }
        live = true;
        attempts = 0;
        subscribeRefusals = 0;
        if (droppedAt != 0) {
            longestDown = Math.max(longestDown, System.nanoTime() - droppedAt);
            droppedAt = 0;
        }
        // every unacked send again, at once: the socket that carried them is gone
        pending.replaceAll((id, at) -> 0L);
    }

    private void entry(JsonNode frame) {
        long seq = frame.path("seq").asLong();
        if (seq <= lastSeq) {
            redelivered++;
            return;
        }
        if (seq != lastSeq + 1) {
            violations.add(name + ": gap, expected seq " + (lastSeq + 1) + " but got " + seq);
        }
        lastSeq = seq;
        if ("created".equals(frame.path("event").asString())) {
            createdBySeq.put(seq, frame.path("clientMsgId").asString());
        }
    }

    private void ack(JsonNode frame) {
        String clientMsgId = frame.path("clientMsgId").asString();
        long seq = frame.path("seq").asLong();
        Long earlier = acked.putIfAbsent(clientMsgId, seq);
        if (earlier != null && earlier != seq) {
            violations.add(name + ": " + clientMsgId + " acked with seq " + earlier + " and then " + seq);
        }
        firstSent.remove(clientMsgId);
        if (pending.remove(clientMsgId) != null) {
            ackedInWindow.add(clientMsgId);
            long now = System.nanoTime();
            longestAckGap = Math.max(longestAckGap, now - lastAckAt);
            lastAckAt = now;
        }
    }

    private void error(JsonNode frame) {
        lastError = frame.toString();
        String id = frame.path("id").asString();
        boolean retryable = frame.path("retryable").asBoolean(false);
        if (!retryable) {
            violations.add(name + ": error that is not retryable: " + frame);
        }
        if ("sub".equals(id)) {
            // the subscription did not take: ask again on the same socket, backing off as the JS client does
            // (500 ms doubling, half of it jitter; capped at 4 s here, where the fault's bound is 10 s)
            Sinks.Many<String> socket = out;
            long backoff = Math.min(4000, 500L << Math.min(subscribeRefusals++, 4));
            timer.schedule(() -> resubscribe(socket), backoff / 2 + (long) (Math.random() * backoff / 2),
                    TimeUnit.MILLISECONDS);
        } else if (pending.containsKey(id)) {
            pending.put(id, System.nanoTime() + RETRY_AFTER_NANOS);
        }
    }

    private synchronized void tick() {
        if (!live || closed) {
            return;
        }
        long now = System.nanoTime();
        for (Map.Entry<String, Long> send : pending.entrySet()) {
            if (send.getValue() <= now) {
                send.setValue(now + RESEND_AFTER_NANOS);
                emitSend(send.getKey());
            }
        }
        if (now >= nextSendAt && pending.size() < MAX_PENDING) {
            nextSendAt += sendEveryNanos;
            String clientMsgId = name + "-" + (++counter);
            // every fifth send carries the largest body the API takes
            bodies.put(clientMsgId, counter % 5 == 0 ? Api.maxBody(clientMsgId) : "hello from " + clientMsgId);
            pending.put(clientMsgId, now + RESEND_AFTER_NANOS);
            firstSent.put(clientMsgId, now);
            sent++;
            emitSend(clientMsgId);
        }
    }

    private void emitSend(String clientMsgId) {
        emit(Api.JSON.writeValueAsString(Map.of("type", "send", "id", clientMsgId, "conversationId", conversationId,
                "clientMsgId", clientMsgId, "body", bodies.get(clientMsgId))));
    }

    private void emit(String frame) {
        if (out != null) {
            out.tryEmitNext(frame);
        }
    }

    /** Stops sending new messages; what is unacked is still resent until acked. */
    synchronized void stopSending() {
        nextSendAt = Long.MAX_VALUE;
    }

    /** What happened since the last call: the longest time without an ack, down, and the drops. */
    synchronized Window window() {
        long now = System.nanoTime();
        Window window = new Window(Math.max(longestAckGap, pending.isEmpty() ? 0 : now - lastAckAt),
                Math.max(longestDown, live ? 0 : now - droppedAt), drops, List.copyOf(ackedInWindow), violations.size(),
                connectFailures, lastConnectError, longestHandshake, longestSubscribe);
        longestHandshake = 0;
        longestSubscribe = 0;
        longestAckGap = 0;
        longestDown = 0;
        drops = 0;
        connectFailures = 0;
        ackedInWindow.clear();
        return window;
    }

    /**
     * @param acked      the sends acked in the window
     * @param violations how many violations this client has recorded since it started
     * @param connectFailures handshakes that failed and sockets that ended with an error, in the window
     * @param lastConnectError the last of those, or null
     * @param longestHandshakeNanos the slowest handshake, from connect to the socket open
     * @param longestSubscribeNanos the slowest subscribe after a (re)connect, from the socket open to {@code subscribed}
     */
    record Window(long longestAckGapNanos, long longestDownNanos, int drops, List<String> acked, int violations,
                  int connectFailures, String lastConnectError, long longestHandshakeNanos, long longestSubscribeNanos) {
    }

    /** Live, and no send waiting for its ack longer than {@code bound}: what "working again" means to its user. */
    synchronized boolean working(Duration bound) {
        long now = System.nanoTime();
        return live && firstSent.values().stream().allMatch(at -> now - at < bound.toNanos());
    }

    synchronized boolean settled(long headSeq) {
        return live && pending.isEmpty() && lastSeq >= headSeq;
    }

    synchronized Map<String, Long> acked() {
        return Map.copyOf(acked);
    }

    synchronized Map<Long, String> createdBySeq() {
        return Map.copyOf(createdBySeq);
    }

    synchronized long lastSeq() {
        return lastSeq;
    }

    synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    synchronized long redelivered() {
        return redelivered;
    }

    synchronized long sent() {
        return sent;
    }

    synchronized int pending() {
        return pending.size();
    }

    String conversationId() {
        return conversationId;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Its state in a line, for a failure message. */
    synchronized String describe() {
        long now = System.nanoTime();
        long oldest = firstSent.values().stream().mapToLong(at -> now - at).max().orElse(0);
        return name + ": live " + live + ", attempts " + attempts + ", pending " + pending.size() + " (oldest "
                + TimeUnit.NANOSECONDS.toMillis(oldest) + " ms), acked " + acked.size() + ", lastSeq " + lastSeq
                + ", last error " + lastError + ", last connect failure " + lastConnectError;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (connection != null) {
            connection.dispose();
        }
    }
}
