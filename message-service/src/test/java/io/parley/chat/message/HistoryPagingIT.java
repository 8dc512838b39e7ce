package io.parley.chat.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

import io.parley.chat.kit.page.PageCursor;
import io.parley.chat.testkit.TestInfrastructure;
import tools.jackson.databind.JsonNode;

/**
 * History is a cursor-paged list like every other: following {@code nextCursor} sees every
 * entry once, in order, in the direction the first page took; {@code afterSeq} and
 * {@code beforeSeq} still name starting points; a cursor that is not this conversation's is
 * a 400 that shows nothing of any log.
 */
class HistoryPagingIT extends RunningService {

    private static final int MAX_BODY = 4_000;

    @Test
    void followingNextCursorForwardFromAfterSeqSeesEveryEntryOnceInOrder() {
        sendMany(7);
        List<List<Long>> pages = walk("afterSeq=0&limit=3");

        assertThat(pages).containsExactly(List.of(1L, 2L, 3L), List.of(4L, 5L, 6L), List.of(7L));
    }

    @Test
    void withoutAStartingPointPagesGoBackwardFromTheNewestAsBefore() {
        sendMany(7);
        List<List<Long>> pages = walk("limit=3");

        assertThat(pages).as("newest first, each page in seq order")
                .containsExactly(List.of(5L, 6L, 7L), List.of(2L, 3L, 4L), List.of(1L));
        assertThat(walk("beforeSeq=6&limit=2")).containsExactly(List.of(4L, 5L), List.of(2L, 3L), List.of(1L));
    }

    @Test
    void aCursorKeepsTheWindowOfAfterSeqAndBeforeSeq() {
        sendMany(9);

        assertThat(walk("afterSeq=1&beforeSeq=7&limit=2")).containsExactly(List.of(2L, 3L), List.of(4L, 5L), List.of(6L));
        assertThat(walk("afterSeq=1&beforeSeq=6&limit=2"))
                .as("the last full page of the window has no cursor after it")
                .containsExactly(List.of(2L, 3L), List.of(4L, 5L));
    }

    @Test
    void aFullPageOfTheLargestBodiesIsServedWithItsCursor() {
        // the body that takes the most bytes: 4,000 code points of 4 UTF-8 bytes each
        String largest = "\uD83D\uDE00".repeat(MAX_BODY);
        for (int batch = 0; batch < 3; batch++) {
            List<Map<String, String>> sends = IntStream.range(0, batch < 2 ? 100 : 1)
                    .mapToObj(i -> Map.of("clientMsgId", "big-" + UUID.randomUUID(), "body", largest)).toList();
            batchRequest(aliceToken, conversation, sends).exchange().expectStatus().isOk();
        }

        JsonNode full = history(aliceToken, "afterSeq=0&limit=200");
        assertThat(seqs(full)).containsExactlyElementsOf(LongStream.rangeClosed(1, 200).boxed().toList());
        assertThat(full.get("items").get(199).get("body").asString()).isEqualTo(largest);
        JsonNode rest = history(aliceToken, "limit=200&cursor=" + full.get("nextCursor").asString());
        assertThat(seqs(rest)).containsExactly(201L);
        assertThat(rest.get("nextCursor").isNull()).isTrue();
    }

    @Test
    void badCursorsAre400AndShowNothing() {
        sendMany(3);
        String other = "c-" + UUID.randomUUID();
        membership.addMember(TENANT, other, alice);
        send(aliceToken, other, "o1", "in another conversation", HttpStatus.CREATED);
        String othersCursor = new HistoryCursor(other, 0L, null).encode();
        String mine = history(aliceToken, "afterSeq=0&limit=1").get("nextCursor").asString();

        for (String cursor : List.of(othersCursor, "not-a-cursor", mine.substring(0, 5) + "*" + mine.substring(6),
                PageCursor.of("conversations", "12", conversation).encode(),
                PageCursor.of("messages", conversation, "", "").encode(),
                PageCursor.of("messages", conversation, "-1", "").encode(),
                PageCursor.of("messages", conversation, "one", "").encode())) {
            badCursor(historyRequest(aliceToken, conversation, "cursor=" + cursor));
        }
        // this conversation's own cursor goes on where its page ended
        assertThat(seqs(history(aliceToken, conversation, "cursor=" + mine))).containsExactly(2L, 3L);
        badCursor(historyRequest(aliceToken, conversation, "afterSeq=1&cursor=" + mine));
    }

    @Test
    void aCursorGivesANonMemberNothingMoreThanNoCursor() {
        sendMany(3);
        String mine = history(aliceToken, "afterSeq=0&limit=1").get("nextCursor").asString();
        String mallory = "mallory-" + UUID.randomUUID();
        String malloryToken = TestInfrastructure.tokens().mint(mallory, TENANT);

        var withCursor = historyRequest(malloryToken, conversation, "cursor=" + mine).exchange()
                .expectBody().returnResult();
        var without = historyRequest(malloryToken, conversation, "afterSeq=0").exchange().expectBody().returnResult();

        assertThat(withCursor.getStatus()).isEqualTo(without.getStatus());
        assertThat(withCursor.getStatus().is4xxClientError()).isTrue();
        assertThat(new String(withCursor.getResponseBody())).doesNotContain("\"seq\"");
    }

    /** Every page from {@code query} on, following nextCursor; no seq may come twice. */
    private List<List<Long>> walk(String query) {
        List<List<Long>> pages = new ArrayList<>();
        List<Long> seen = new ArrayList<>();
        JsonNode page = history(aliceToken, query);
        while (true) {
            List<Long> seqs = seqs(page);
            pages.add(seqs);
            seen.addAll(seqs);
            assertThat(pages).as("pages of a short history").hasSizeLessThan(20);
            if (page.get("nextCursor").isNull()) {
                break;
            }
            page = history(aliceToken, "limit=" + seqs.size() + "&cursor=" + page.get("nextCursor").asString());
        }
        assertThat(seen).doesNotHaveDuplicates();
        return pages;
    }

    private JsonNode history(String token, String conversationId, String query) {
        return json.readTree(historyRequest(token, conversationId, query).exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody());
    }

    private void sendMany(int count) {
        for (int i = 1; i <= count; i++) {
            send(aliceToken, conversation, "p" + i, "page " + i, HttpStatus.CREATED);
        }
    }

    private static void badCursor(org.springframework.test.web.reactive.server.WebTestClient.RequestHeadersSpec<?> request) {
        byte[] body = request.exchange().expectStatus().isBadRequest().expectBody().returnResult().getResponseBody();
        JsonNode problem = json.readTree(body);
        assertThat(problem.path("type").asString()).isEqualTo("https://parley.dev/problems/invalid-request");
        assertThat(problem.path("detail").asString()).contains("'cursor'");
        assertThat(problem.has("items")).isFalse();
        assertThat(new String(body)).doesNotContain("\"seq\"");
    }
}
