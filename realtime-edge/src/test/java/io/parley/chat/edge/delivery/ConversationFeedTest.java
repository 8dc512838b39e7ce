package io.parley.chat.edge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The edge's ordering core: one conversation's events in seq order, once, with holes filled from history. */
class ConversationFeedTest {

    private final Map<Long, Delivery> history = new ConcurrentHashMap<>();
    private final AtomicInteger historyReads = new AtomicInteger();

    @Test
    void handsOverOutOfOrderEventsInSeqOrderAndDropsDuplicates() {
        ConversationFeed feed = new ConversationFeed("c1", Duration.ofSeconds(30));
        Recorder socket = attach(feed, 0);
        feed.initialize(Mono.just(0L)).block();
        for (long seq : new long[] {2, 1, 1, 4, 3, 2, 5}) {
            feed.offer(delivery(seq));
        }
        assertThat(socket.seqs()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(feed.head()).isEqualTo(5);
    }

    @Test
    void fillsAHoleFromHistoryWhenKafkaDoesNotDeliverIt() {
        ConversationFeed feed = new ConversationFeed("c1", Duration.ofMillis(50));
        Recorder socket = attach(feed, 0);
        feed.initialize(Mono.just(0L)).block();
        LongStream.rangeClosed(1, 5).forEach(seq -> history.put(seq, delivery(seq)));
        feed.offer(delivery(1));
        feed.offer(delivery(4));
        feed.offer(delivery(5));
        assertThat(socket.seqs()).containsExactly(1L);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> socket.seqs().size() == 5);
        assertThat(socket.seqs()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(historyReads.get()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void waitsForAHoleUntilHistoryHasItAndNeverSkipsIt() {
        ConversationFeed feed = new ConversationFeed("c1", Duration.ofMillis(30));
        Recorder socket = attach(feed, 0);
        feed.initialize(Mono.just(0L)).block();
        feed.offer(delivery(2));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> historyReads.get() >= 3);
        assertThat(socket.seqs()).isEmpty();
        history.put(1L, delivery(1));
        history.put(2L, delivery(2));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> socket.seqs().size() == 2);
        assertThat(socket.seqs()).containsExactly(1L, 2L);
    }

    @Test
    void startsAtTheConversationHeadAndHoldsEarlierArrivalsUntilItKnowsIt() {
        ConversationFeed feed = new ConversationFeed("c1", Duration.ofSeconds(30));
        Recorder socket = attach(feed, 10);
        feed.offer(delivery(12));
        feed.offer(delivery(11));
        feed.offer(delivery(10));
        assertThat(socket.seqs()).isEmpty();
        feed.initialize(Mono.just(10L)).block();
        assertThat(socket.seqs()).containsExactly(11L, 12L);
    }

    @Test
    void aSubscriptionReplaysThenGoesLiveWithoutGapOrDuplicateAtTheSeam() {
        ConversationFeed feed = new ConversationFeed("c1", Duration.ofSeconds(30));
        feed.initialize(Mono.just(3L)).block();
        Recorder socket = new Recorder();
        Subscription subscription = new Subscription("c1", 1, socket);
        feed.attach(subscription);
        feed.offer(delivery(4));
        feed.offer(delivery(5));
        // history read after attaching covers 2..4; live 4 and 5 were held back meanwhile
        List.of(2L, 3L, 4L).forEach(seq -> subscription.replay(delivery(seq)));
        List<Long> beforeLive = new CopyOnWriteArrayList<>();
        subscription.goLive(4, () -> beforeLive.addAll(socket.seqs()));
        feed.offer(delivery(6));
        assertThat(beforeLive).containsExactly(2L, 3L, 4L);
        assertThat(socket.seqs()).containsExactly(2L, 3L, 4L, 5L, 6L);
    }

    @Test
    void aReplayThatFindsAHoleInHistoryWaitsForItInsteadOfSkippingIt() {
        // seq 3 was taken by a batch still being stored when the resume read history: 4 is there, 3 is not
        ConversationFeed feed = new ConversationFeed("c1", Duration.ofSeconds(30));
        Recorder socket = replayed(feed, 4, 1, 2, 4);
        feed.offer(delivery(5));
        assertThat(socket.seqs()).as("nothing past the hole").containsExactly(2L);

        LongStream.rangeClosed(1, 5).forEach(seq -> history.put(seq, delivery(seq))); // the batch is stored
        feed.offer(delivery(6));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> socket.seqs().size() == 5);
        assertThat(socket.seqs()).containsExactly(2L, 3L, 4L, 5L, 6L);
    }

    @Test
    void aFeedThatStartedAboveTheReplayDoesNotMakeAGap() {
        // the feed started at the newest stored seq (5) while 4 was still being stored, and the replay ended at 3
        ConversationFeed feed = new ConversationFeed("c1", Duration.ofSeconds(30));
        Recorder socket = replayed(feed, 5, 2, 3);
        feed.offer(delivery(6));
        feed.offer(delivery(7));
        assertThat(socket.seqs()).containsExactly(3L);

        LongStream.rangeClosed(1, 7).forEach(seq -> history.put(seq, delivery(seq)));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> socket.seqs().size() == 5);
        feed.offer(delivery(8));
        assertThat(socket.seqs()).containsExactly(3L, 4L, 5L, 6L, 7L, 8L);
    }

    @Test
    void readsHistoryLessOftenForAHoleThatLastsAndSoonAgainOnceItIsFilled() {
        ConversationFeed feed = new ConversationFeed("c1", Duration.ofSeconds(30));
        history.put(3L, delivery(3)); // 2 is not stored yet
        long start = System.nanoTime();
        Recorder socket = replayed(feed, 4, 1, 3); // the feed starts at 4, stored while the replay read
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> historyReads.get() >= 4);
        Duration tookForFourReads = Duration.ofNanos(System.nanoTime() - start);
        // waits of 100, 200, 400 and 800 ms; a read every 100 ms would have taken 400 ms
        assertThat(tookForFourReads).isGreaterThanOrEqualTo(Duration.ofMillis(1400));
        assertThat(socket.seqs()).isEmpty();

        history.put(2L, delivery(2));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> socket.seqs().size() == 2);
        // the next hole is read for after 100 ms again, not after the 3.2 s the last one had reached
        history.put(4L, delivery(4));
        history.put(5L, delivery(5));
        feed.offer(delivery(5));
        Awaitility.await().atMost(Duration.ofMillis(1500)).until(() -> socket.seqs().size() == 4);
        assertThat(socket.seqs()).containsExactly(2L, 3L, 4L, 5L);
    }

    @Test
    void theSocketsBehindOneHoleShareOneReadOfHistoryPerRetry() {
        ConversationFeed feed = new ConversationFeed("c1", Duration.ofSeconds(30));
        history.put(3L, delivery(3)); // 2 is not stored yet
        long start = System.nanoTime();
        List<Recorder> sockets = IntStream.range(0, 200).mapToObj(i -> replayed(feed, 4, 1, 3)).toList();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> historyReads.get() >= 3);
        // one shared read after 100, 200 and 400 ms; 200 sockets reading for themselves read 200 times in the first 100 ms
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(600));

        history.put(2L, delivery(2));
        history.put(4L, delivery(4));
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> sockets.stream().allMatch(socket -> socket.seqs().size() == 3));
        sockets.forEach(socket -> assertThat(socket.seqs()).containsExactly(2L, 3L, 4L));
        feed.offer(delivery(5));
        sockets.forEach(socket -> assertThat(socket.seqs()).containsExactly(2L, 3L, 4L, 5L));
    }

    /** A socket subscribed after {@code afterSeq} that replayed {@code replayed} from history and went live. */
    private Recorder replayed(ConversationFeed feed, long head, long afterSeq, long... replayed) {
        feed.initialize(Mono.just(head)).block();
        Recorder socket = new Recorder();
        Subscription subscription = new Subscription("c1", afterSeq, socket);
        feed.attach(subscription);
        LongStream.of(replayed).forEach(seq -> subscription.replay(delivery(seq)));
        subscription.goLive(subscription.lastSeq(), () -> { });
        return socket;
    }

    private Recorder attach(ConversationFeed feed, long afterSeq) {
        Recorder socket = new Recorder();
        Subscription subscription = new Subscription("c1", afterSeq, socket);
        subscription.goLive(afterSeq, () -> { });
        feed.attach(subscription);
        return socket;
    }

    private static Delivery delivery(long seq) {
        return new Delivery(seq, ("{\"seq\":" + seq + "}").getBytes(), Instant.now());
    }

    /** A socket that records what it was written, and reads history from the test's map. */
    private final class Recorder implements Subscription.Sink {

        private final List<Delivery> written = new CopyOnWriteArrayList<>();

        @Override
        public void write(Delivery delivery) {
            written.add(delivery);
        }

        @Override
        public void control(byte[] frame) {
        }

        @Override
        public Flux<Delivery> readAfter(String conversationId, long seq) {
            historyReads.incrementAndGet();
            return Flux.fromStream(history.keySet().stream().filter(s -> s > seq).sorted().map(history::get));
        }

        List<Long> seqs() {
            return written.stream().map(Delivery::seq).toList();
        }
    }
}
