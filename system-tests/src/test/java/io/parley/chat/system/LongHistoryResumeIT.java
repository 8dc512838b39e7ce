package io.parley.chat.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

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
    private static final int SENDERS = 10;
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
        Map<Long, String> bodyAt = sendConcurrently(List.of(alice), conversation, 200, "\uD83D\uDE00");

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

    /** Sends {@code count} largest-size messages over REST, spread over the senders (each at its own rate limit). */
    static Map<Long, String> sendConcurrently(List<Api.User> senders, String conversation, int count) throws Exception {
        return sendConcurrently(senders, conversation, count, null);
    }

    private static Map<Long, String> sendConcurrently(List<Api.User> senders, String conversation, int count,
                                                      String unit) throws Exception {
        Map<Long, String> bodyAt = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(senders.size());
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int s = 0; s < senders.size(); s++) {
                Api.User sender = senders.get(s);
                int first = s;
                work.add(pool.submit(() -> {
                    for (int i = first; i < count; i += senders.size()) {
                        String body = unit == null ? largestBody(sender.id() + " " + i + " ", i) : unit.repeat(MAX_BODY);
                        bodyAt.put(send(sender, conversation, sender.id() + "-" + i, body), body);
                    }
                    return null;
                }));
            }
            for (Future<?> done : work) {
                done.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(bodyAt).hasSize(count);
        return bodyAt;
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
