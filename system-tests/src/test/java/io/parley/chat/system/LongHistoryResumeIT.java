package io.parley.chat.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import io.parley.chat.testkit.ChatSocket;
import io.parley.chat.testkit.ChatSocket.Auth;
import tools.jackson.databind.JsonNode;

/**
 * Resume over the history a user actually misses: a laptop that slept through a busy
 * evening comes back to 10,000 messages of the largest size, with edits and deletes among
 * them, while the conversation goes on. Before the edge streamed history, a resume over a
 * few dozen 4,000-character messages (or a few hundred ordinary ones) was refused with
 * {@code unavailable} ("The request was refused (200)"): a history page no longer fit the
 * edge's in-memory limit. Everything here goes through the gateway, one socket per user,
 * with the per-user caps on.
 */
class LongHistoryResumeIT extends RunningCluster {

    /** message-service's longest body, in code points. */
    static final int MAX_BODY = Api.MAX_BODY;
    private static final int MISSED = Integer.getInteger("parley.resume.missed", 10_000);
    private static final int SENDERS = 20;
    /** Sends in flight on one sender's socket. */
    private static final int SOCKET_BATCH = 40;
    /** Under the edge's default of 50 frames a second per socket. */
    private static final int SOCKET_FRAMES_PER_SECOND = 45;
    private static final int LIVE = 50;
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aSocketResumingFromAnOldSeqGetsTenThousandLargestMessagesWithEditsAndDeletesThenLiveOnesWithoutGapOrDuplicate()
            throws Exception {
        Api.User alice = api.newUser("alice");
        Api.User bob = api.newUser("bob");
        List<Api.User> senders = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            senders.add(api.newUser("sender" + i));
        }
        List<String> members = new ArrayList<>(senders.stream().map(Api.User::id).toList());
        members.add(bob.id());
        String conversation = api.createGroup(alice, members);

        // bob saw the conversation's start, then went away
        long lastSeen;
        try (ChatSocket bobSocket = ChatSocket.connect(cluster.gatewayWebSocketUrl(), bob.token(), Auth.HEADER)) {
            bobSocket.awaitOpen(WAIT);
            lastSeen = ChatDeliveryIT.subscribe(bobSocket, conversation, 0).get("headSeq").asLong();
        }

        long started = System.nanoTime();
        Map<Long, String> bodyAt = sendConcurrently(senders, conversation, MISSED);
        System.out.printf("LongHistoryResumeIT: %,d sends of %,d code points through the gateway in %.1f s%n",
                MISSED, MAX_BODY, (System.nanoTime() - started) / 1e9);
        // edits and deletes among them, each an entry of its own
        Map<Long, String> editedTo = new ConcurrentHashMap<>();
        List<Long> deleted = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            long seq = 1 + i * (MISSED / 40L);
            Api.User author = authorOf(senders, bodyAt.get(seq));
            if (i % 2 == 0) {
                String body = largestBody("edit " + seq + " ", i);
                Api.Reply edit = api.call("PATCH", "/api/v1/conversations/" + conversation + "/messages/" + seq,
                        author.token(), Map.of("body", body));
                Api.expect(edit, 200);
                editedTo.put(edit.body().get("seq").asLong(), body);
            } else {
                Api.Reply delete = api.call("DELETE", "/api/v1/conversations/" + conversation + "/messages/" + seq,
                        author.token(), null);
                Api.expect(delete, 200);
                deleted.add(delete.body().get("seq").asLong());
            }
        }
        long head = MISSED + editedTo.size() + deleted.size();

        try (ChatSocket aliceSocket = ChatSocket.connect(cluster.gatewayWebSocketUrl(), alice.token(), Auth.HEADER);
             ChatSocket bobSocket = ChatSocket.connect(cluster.gatewayWebSocketUrl(), bob.token(), Auth.SUBPROTOCOL,
                     cluster.gatewayUrl())) {
            aliceSocket.awaitOpen(WAIT);
            bobSocket.awaitOpen(WAIT);
            ChatDeliveryIT.subscribe(aliceSocket, conversation, head);

            long replayStarted = System.nanoTime();
            bobSocket.send(Map.of("type", "subscribe", "id", "resume", "conversationId", conversation,
                    "afterSeq", lastSeen));
            // the conversation goes on while bob catches up: these land during the replay or right after it
            bobSocket.await(f -> ChatDeliveryIT.isMessage(f, conversation), WAIT);
            ChatDeliveryIT.sendBurst(aliceSocket, conversation, "live", 0, LIVE);

            JsonNode subscribed = bobSocket.await(f -> "resume".equals(f.path("id").asString()), WAIT);
            assertThat(subscribed.path("type").asString()).as(subscribed.toString()).isEqualTo("subscribed");
            System.out.printf("LongHistoryResumeIT: replay of %,d entries to one socket through the gateway: %.1f s%n",
                    subscribed.get("headSeq").asLong() - lastSeen, (System.nanoTime() - replayStarted) / 1e9);

            List<JsonNode> got = bobSocket.awaitCount(f -> ChatDeliveryIT.isMessage(f, conversation),
                    (int) (head + LIVE - lastSeen), WAIT);
            assertThat(ChatDeliveryIT.seqs(got)).as("every entry once, in seq order, across the seam")
                    .containsExactlyElementsOf(ChatDeliveryIT.range(lastSeen + 1, head + LIVE));
            for (JsonNode entry : got) {
                long seq = entry.get("seq").asLong();
                String event = entry.path("event").asString();
                if (seq > head) {
                    assertThat(entry.path("body").asString()).startsWith("live says");
                } else if (editedTo.containsKey(seq)) {
                    assertThat(event).isEqualTo("edited");
                    assertThat(entry.path("body").asString()).isEqualTo(editedTo.get(seq));
                } else if (deleted.contains(seq)) {
                    assertThat(event).isEqualTo("deleted");
                } else {
                    assertThat(event).as("entry %s", seq).isIn("created", "tombstone");
                }
            }
            long fullSized = got.stream().filter(f -> f.path("body").asString().codePointCount(0,
                    f.path("body").asString().length()) == MAX_BODY).count();
            assertThat(fullSized).as("the replay carried the largest bodies").isGreaterThan(MISSED / 2);
            assertThat(bobSocket.received()).noneMatch(f -> "error".equals(f.path("type").asString()));
            assertThat(bobSocket.isOpen()).isTrue();
        }
    }

    @Test
    void theLargestHistoryPageOfTheLargestMessagesIsServedThroughTheGatewayAndResumedOverTheSocket() throws Exception {
        Api.User alice = api.newUser("alice");
        Api.User bob = api.newUser("bob");
        String conversation = api.createGroup(alice, List.of(bob.id()));
        // 4,000 code points of four UTF-8 bytes each: 16 KB a body, 3.2 MB a page of 200
        Map<Long, String> bodyAt = sendOverRest(List.of(alice), conversation, 200, "\uD83D\uDE00");

        Api.Reply page = api.call("GET", "/api/v1/conversations/" + conversation + "/messages?afterSeq=0&limit=200",
                bob.token(), null);
        Api.expect(page, 200);
        assertThat(page.body().get("items")).hasSize(200);
        assertThat(page.body().get("nextCursor").isNull()).isTrue();
        // the deprecated copies, still in the body for this version: twice the bytes, 6.4 MB
        assertThat(page.body().get("messages")).isEqualTo(page.body().get("items"));
        assertThat(page.body().get("hasMore").asBoolean()).isFalse();
        for (JsonNode entry : page.body().get("items")) {
            assertThat(entry.get("body").asString()).isEqualTo(bodyAt.get(entry.get("seq").asLong()));
        }
        Api.Reply newest = api.call("GET", "/api/v1/conversations/" + conversation + "/messages?limit=200",
                bob.token(), null);
        Api.expect(newest, 200);
        assertThat(newest.body().get("items")).hasSize(200);

        try (ChatSocket bobSocket = ChatSocket.connect(cluster.gatewayWebSocketUrl(), bob.token(), Auth.HEADER)) {
            bobSocket.awaitOpen(WAIT);
            JsonNode subscribed = ChatDeliveryIT.subscribe(bobSocket, conversation, 0);
            assertThat(subscribed.get("headSeq").asLong()).isEqualTo(200);
            List<JsonNode> got = bobSocket.awaitCount(f -> ChatDeliveryIT.isMessage(f, conversation), 200, WAIT);
            assertThat(ChatDeliveryIT.seqs(got)).containsExactlyElementsOf(ChatDeliveryIT.range(1, 200));
            got.forEach(entry -> assertThat(entry.get("body").asString()).isEqualTo(bodyAt.get(entry.get("seq").asLong())));
        }
    }

    /**
     * Sends {@code count} largest-size messages as chat clients do: each sender over its one
     * socket through the gateway, pipelined in batches and paced under the edge's frame rate.
     * A send answered with an error, or not answered in time, is sent again with the same
     * clientMsgId, so each is stored once.
     */
    static Map<Long, String> sendConcurrently(List<Api.User> senders, String conversation, int count) throws Exception {
        Map<Long, String> bodyAt = new ConcurrentHashMap<>();
        forEachSender(senders, count, (sender, mine) -> sendOverSocket(sender, conversation, mine, bodyAt));
        assertThat(bodyAt).hasSize(count);
        return bodyAt;
    }

    /** Sends {@code count} messages of {@code unit} repeated to the largest size over REST, one request at a time per sender. */
    private static Map<Long, String> sendOverRest(List<Api.User> senders, String conversation, int count, String unit)
            throws Exception {
        Map<Long, String> bodyAt = new ConcurrentHashMap<>();
        forEachSender(senders, count, (sender, mine) -> {
            for (int i : mine) {
                String body = unit.repeat(MAX_BODY);
                bodyAt.put(send(sender, conversation, sender.id() + "-" + i, body), body);
            }
        });
        assertThat(bodyAt).hasSize(count);
        return bodyAt;
    }

    private interface SenderWork {
        void send(Api.User sender, List<Integer> indexes) throws Exception;
    }

    /** Runs each sender's share of the indexes {@code 0..count-1} (every n-th) on a thread of its own. */
    private static void forEachSender(List<Api.User> senders, int count, SenderWork work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(senders.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int s = 0; s < senders.size(); s++) {
                Api.User sender = senders.get(s);
                List<Integer> mine = new ArrayList<>();
                for (int i = s; i < count; i += senders.size()) {
                    mine.add(i);
                }
                running.add(pool.submit(() -> {
                    work.send(sender, mine);
                    return null;
                }));
            }
            for (Future<?> done : running) {
                done.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void sendOverSocket(Api.User sender, String conversation, List<Integer> indexes,
                                       Map<Long, String> bodyAt) throws Exception {
        try (ChatSocket socket = ChatSocket.connect(cluster.gatewayWebSocketUrl(), sender.token(), Auth.HEADER)) {
            socket.awaitOpen(WAIT);
            for (int from = 0; from < indexes.size(); from += SOCKET_BATCH) {
                long batchStarted = System.nanoTime();
                Map<String, String> pending = new HashMap<>();
                for (int i : indexes.subList(from, Math.min(from + SOCKET_BATCH, indexes.size()))) {
                    pending.put(sender.id() + "-" + i, largestBody(sender.id() + " " + i + " ", i));
                }
                for (int attempt = 1; !pending.isEmpty(); attempt++) {
                    assertThat(attempt).as("sends of %s kept being refused", sender.id()).isLessThan(20);
                    if (attempt > 1) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
                    }
                    Set<String> asked = Set.copyOf(pending.keySet());
                    Predicate<JsonNode> answer = f -> asked.contains(f.path("id").asString())
                            && ("ack".equals(f.path("type").asString()) || "error".equals(f.path("type").asString()));
                    List<JsonNode> before = socket.received();
                    long answeredBefore = before.stream().filter(answer).count();
                    pending.forEach((clientMsgId, body) -> socket.send(Map.of("type", "send", "id", clientMsgId,
                            "conversationId", conversation, "clientMsgId", clientMsgId, "body", body)));
                    try {
                        socket.awaitCount(answer, (int) answeredBefore + asked.size(), WAIT);
                    } catch (AssertionError slow) {
                        // not all answered in time: the unanswered ones are sent again below
                    }
                    List<JsonNode> received = socket.received();
                    for (JsonNode frame : received.subList(before.size(), received.size())) {
                        String id = frame.path("id").asString();
                        if ("ack".equals(frame.path("type").asString()) && pending.containsKey(id)) {
                            bodyAt.put(frame.get("seq").asLong(), pending.remove(id));
                        }
                    }
                }
                // stay under the edge's frame rate, which a burst of sends would otherwise exceed
                long least = TimeUnit.SECONDS.toNanos(SOCKET_BATCH) / SOCKET_FRAMES_PER_SECOND;
                LockSupport.parkNanos(least - (System.nanoTime() - batchStarted));
            }
        }
    }

    /**
     * One send as a client makes it: a 429 is retried with the same clientMsgId after its
     * {@code Retry-After}, as is a retryable 503. Returns the seq the message got.
     */
    private static long send(Api.User sender, String conversation, String clientMsgId, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + "/api/v1/conversations/"
                        + conversation + "/messages"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + sender.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Api.JSON.writeValueAsString(
                        Map.of("clientMsgId", clientMsgId, "body", body))))
                .build();
        for (int attempt = 0; attempt < 200; attempt++) {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 201 || response.statusCode() == 200) {
                return Api.JSON.readTree(response.body()).get("seq").asLong();
            }
            if (response.statusCode() != 429 && response.statusCode() != 503) {
                throw new AssertionError("send refused: " + response.statusCode() + " " + response.body());
            }
            long waitMillis = response.headers().firstValueAsLong("Retry-After").orElse(1) * 1000;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(waitMillis, 2000) / 4 + 50));
        }
        throw new AssertionError("send of " + clientMsgId + " kept being refused");
    }

    /** A body of exactly {@link #MAX_BODY} code points that starts with {@code prefix}; every 20th is four-byte characters. */
    static String largestBody(String prefix, int i) {
        String unit = i % 20 == 0 ? "\uD83D\uDCAC" : "abcdefghij klmnopqrst uvwxyz ";
        StringBuilder body = new StringBuilder(prefix);
        while (body.codePointCount(0, body.length()) < MAX_BODY) {
            body.append(unit);
        }
        int end = body.offsetByCodePoints(0, MAX_BODY);
        String text = body.substring(0, end);
        return text.endsWith(" ") ? text.substring(0, text.length() - 1) + "x" : text;
    }

    private static Api.User authorOf(List<Api.User> senders, String body) {
        return senders.stream().filter(s -> body.startsWith(s.id() + " ")).findFirst().orElseThrow();
    }
}
