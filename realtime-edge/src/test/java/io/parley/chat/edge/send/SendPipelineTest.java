package io.parley.chat.edge.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.parley.chat.edge.clients.MessageClient.Outgoing;
import io.parley.chat.edge.clients.MessageClient.SendOutcome;
import io.parley.chat.edge.clients.StoredMessage;
import reactor.core.publisher.Sinks;

/**
 * The order and bounds of one socket's sends in flight, against a message-service stand-in
 * that answers each batch when the test says so and numbers a conversation's sends in the
 * order its batches arrive, as message-service's batch endpoint does.
 */
class SendPipelineTest {

    private final List<Batch> batches = new CopyOnWriteArrayList<>();
    private final List<String> answered = new CopyOnWriteArrayList<>();
    /** conversation -> its last seq, as the stand-in numbered them */
    private final Map<String, Long> stored = new HashMap<>();

    private record Batch(String conversationId, List<Outgoing> sends, Sinks.One<List<SendOutcome>> answer) {
    }

    @Test
    void sendsThatArriveWhileABatchIsInFlightGoTogetherInTheNextInTheirOrder() {
        SendPipeline pipeline = pipeline(64, 100);
        pipeline.submit(send("1", "c1")).block();
        IntStream.rangeClosed(2, 6).forEach(i -> pipeline.submit(send(Integer.toString(i), "c1")).block());

        assertThat(batches).hasSize(1);
        answer(0);
        assertThat(batches).hasSize(2);
        assertThat(batches.get(1).sends()).extracting(Outgoing::clientMsgId).containsExactly("2", "3", "4", "5", "6");
        answer(1);

        assertThat(answered).containsExactly("1:c1#1", "2:c1#2", "3:c1#3", "4:c1#4", "5:c1#5", "6:c1#6");
        assertThat(pipeline.inFlight()).isZero();
    }

    @Test
    void conversationsProceedIndependentlyAndABatchIsAtMostTheLimit() {
        SendPipeline pipeline = pipeline(64, 3);
        pipeline.submit(send("a1", "c1")).block();
        pipeline.submit(send("b1", "c2")).block();
        IntStream.rangeClosed(2, 6).forEach(i -> pipeline.submit(send("a" + i, "c1")).block());

        assertThat(batches).extracting(Batch::conversationId).containsExactly("c1", "c2");
        answer(1);
        assertThat(answered).containsExactly("b1:c2#1");
        answer(0);
        assertThat(batches.get(2).sends()).extracting(Outgoing::clientMsgId).containsExactly("a2", "a3", "a4");
        answer(2);
        assertThat(batches.get(3).sends()).extracting(Outgoing::clientMsgId).containsExactly("a5", "a6");
        answer(3);
        assertThat(answered).containsExactly("b1:c2#1", "a1:c1#1", "a2:c1#2", "a3:c1#3", "a4:c1#4", "a5:c1#5", "a6:c1#6");
    }

    @Test
    void pastTheLimitOfSendsInFlightTheSocketWaitsUntilOneIsAnswered() {
        SendPipeline pipeline = pipeline(3, 100);
        assertThat(pipeline.submit(send("1", "c1")).toFuture()).isDone();
        assertThat(pipeline.submit(send("2", "c1")).toFuture()).isDone();
        var third = pipeline.submit(send("3", "c1")).toFuture();

        assertThat(third).as("a third unanswered send fills the pipeline: the socket is not read on").isNotDone();
        answer(0);
        assertThat(third).isDone();
        assertThat(pipeline.inFlight()).isEqualTo(2);
    }

    @Test
    void aRefusedBatchIsAnErrorForEachOfItsSendsAndTheNextBatchStillGoes() {
        SendPipeline pipeline = pipeline(64, 100);
        pipeline.submit(send("1", "c1")).block();
        pipeline.submit(send("2", "c1")).block();
        batches.get(0).answer().tryEmitError(new IllegalStateException("connection reset"));

        answer(1);
        assertThat(answered).containsExactly("1:unavailable", "2:c1#1");
    }

    @Test
    void whenTheSocketEndsWhatWasNotSentIsDroppedAndAWaitingReaderIsLetGo() {
        SendPipeline pipeline = pipeline(2, 100);
        pipeline.submit(send("1", "c1")).block();
        var waiting = pipeline.submit(send("2", "c1")).toFuture();

        pipeline.close();
        assertThat(waiting).isDone();
        answer(0);
        assertThat(batches).as("the queued send never leaves").hasSize(1);
        assertThat(pipeline.submit(send("3", "c1")).toFuture()).isDone();
        assertThat(batches).hasSize(1);
        assertThat(pipeline.inFlight()).isZero();
    }

    @Test
    void aRetryOfASendStillInFlightIsAnsweredWithItsOutcomeAndNeverSentTwice() {
        SendPipeline pipeline = pipeline(64, 100);
        pipeline.submit(send("1", "c1", "m1")).block();
        pipeline.submit(send("2", "c1", "m2")).block();
        pipeline.submit(send("1-again", "c1", "m1")).block(); // the client heard nothing and sends m1 again
        pipeline.submit(send("2-again", "c1", "m2")).block(); // m2 still waits behind m1's batch
        pipeline.submit(send("1-other", "c2", "m1")).block(); // the same id to another conversation is another send

        assertThat(pipeline.inFlight()).as("retries take no room").isEqualTo(3);
        answer(0);
        answer(1);
        answer(2);

        assertThat(batches).hasSize(3);
        assertThat(batches).extracting(Batch::conversationId).containsExactly("c1", "c2", "c1");
        assertThat(batches.get(2).sends()).extracting(Outgoing::clientMsgId).containsExactly("m2");
        assertThat(answered).containsExactly("1:c1#1", "1-again:c1#1", "1-other:c2#1", "2:c1#2", "2-again:c1#2");
        assertThat(pipeline.inFlight()).isZero();
    }

    @Test
    void aRetryAfterTheAnswerGoesToMessageServiceAgainAndARefusalAnswersTheRetriesToo() {
        SendPipeline pipeline = pipeline(64, 100);
        pipeline.submit(send("1", "c1", "m1")).block();
        pipeline.submit(send("1-again", "c1", "m1")).block();
        batches.get(0).answer().tryEmitError(new IllegalStateException("timed out"));

        assertThat(answered).containsExactly("1:unavailable", "1-again:unavailable");
        pipeline.submit(send("1-later", "c1", "m1")).block();
        answer(1);
        assertThat(batches).hasSize(2);
        assertThat(answered).containsExactly("1:unavailable", "1-again:unavailable", "1-later:c1#1");
    }

    @Test
    void aRetryOfASendDroppedWhenTheSocketEndedIsNotLeftWaiting() {
        SendPipeline pipeline = pipeline(64, 100);
        pipeline.submit(send("1", "c1", "m1")).block();
        pipeline.submit(send("2", "c1", "m2")).block();
        pipeline.close();
        answer(0);

        assertThat(answered).containsExactly("1:c1#1");
        assertThat(pipeline.inFlight()).isZero();
    }

    private SendPipeline pipeline(int maxInFlight, int maxBatch) {
        return new SendPipeline(maxInFlight, maxBatch, (conversationId, sends) -> {
            Sinks.One<List<SendOutcome>> answer = Sinks.one();
            batches.add(new Batch(conversationId, sends, answer));
            return answer.asMono();
        }, (send, outcome) -> answered.add(send.id() + ":" + (outcome.message() != null
                ? outcome.message().conversationId() + "#" + outcome.message().seq()
                : outcome.refusal().code().wire())));
    }

    /** Answers batch {@code index} as message-service would: the conversation's next seqs, in the batch's order. */
    private void answer(int index) {
        Batch batch = batches.get(index);
        long before = stored.getOrDefault(batch.conversationId(), 0L);
        stored.put(batch.conversationId(), before + batch.sends().size());
        List<SendOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < batch.sends().size(); i++) {
            outcomes.add(new SendOutcome(new StoredMessage("m", batch.conversationId(), before + i + 1, "created", "u",
                    batch.sends().get(i).clientMsgId(), "body", Instant.now(), null), null));
        }
        batch.answer().tryEmitValue(outcomes);
    }

    private static SendPipeline.Pending send(String id, String conversationId) {
        return send(id, conversationId, id);
    }

    private static SendPipeline.Pending send(String id, String conversationId, String clientMsgId) {
        return new SendPipeline.Pending(id, conversationId, new Outgoing(clientMsgId, "body " + id), System.nanoTime());
    }
}
