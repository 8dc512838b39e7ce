package io.parley.chat.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

class GroupCommitTest {

    /** A committer whose commits complete when the test says so. */
    private static final class HeldCommits {

        final List<String> keys = new CopyOnWriteArrayList<>();
        final List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        final List<Sinks.One<List<String>>> pending = new CopyOnWriteArrayList<>();

        Mono<List<String>> commit(String key, List<Integer> batch) {
            keys.add(key);
            batches.add(batch);
            Sinks.One<List<String>> done = Sinks.one();
            pending.add(done);
            return done.asMono();
        }

        void complete(int commit) {
            List<String> results = batches.get(commit).stream().map(i -> keys.get(commit) + ":" + i).toList();
            pending.get(commit).tryEmitValue(results);
        }
    }

    @Test
    void aLoneItemIsCommittedAtOnceAsABatchOfOne() {
        HeldCommits commits = new HeldCommits();
        GroupCommit<Integer, String> group = new GroupCommit<>(8, commits::commit);

        Mono<String> answer = group.submit("a", 1).cache();
        answer.subscribe();

        assertThat(commits.batches).containsExactly(List.of(1));
        commits.complete(0);
        assertThat(answer.block(Duration.ofSeconds(1))).isEqualTo("a:1");
        assertThat(group.activeKeys()).isZero();
    }

    @Test
    void itemsArrivingDuringACommitGoTogetherInTheNextBatchInArrivalOrder() {
        HeldCommits commits = new HeldCommits();
        GroupCommit<Integer, String> group = new GroupCommit<>(8, commits::commit);
        List<Mono<String>> answers = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            Mono<String> answer = group.submit("a", i).cache();
            answer.subscribe();
            answers.add(answer);
        }

        assertThat(commits.batches).as("one batch at a time per key").containsExactly(List.of(1));
        commits.complete(0);
        assertThat(commits.batches).containsExactly(List.of(1), List.of(2, 3, 4));
        commits.complete(1);

        assertThat(answers).extracting(a -> a.block(Duration.ofSeconds(1))).containsExactly("a:1", "a:2", "a:3", "a:4");
        assertThat(group.activeKeys()).isZero();
    }

    @Test
    void aBatchTakesAtMostMaxBatchItemsAndTheRestFollow() {
        HeldCommits commits = new HeldCommits();
        GroupCommit<Integer, String> group = new GroupCommit<>(2, commits::commit);
        for (int i = 1; i <= 6; i++) {
            group.submit("a", i).subscribe();
        }

        commits.complete(0);
        commits.complete(1);
        commits.complete(2);

        assertThat(commits.batches).containsExactly(List.of(1), List.of(2, 3), List.of(4, 5), List.of(6));
    }

    @Test
    void keysCommitIndependently() {
        HeldCommits commits = new HeldCommits();
        GroupCommit<Integer, String> group = new GroupCommit<>(8, commits::commit);

        Mono<String> a = group.submit("a", 1).cache();
        Mono<String> b = group.submit("b", 2).cache();
        a.subscribe();
        b.subscribe();

        assertThat(commits.keys).as("b does not wait for a's commit").containsExactly("a", "b");
        commits.complete(1);
        assertThat(b.block(Duration.ofSeconds(1))).isEqualTo("b:2");
        assertThat(group.activeKeys()).isEqualTo(1);
    }

    @Test
    void aFailedCommitFailsItsOwnItemsAndTheNextBatchStillRuns() {
        HeldCommits commits = new HeldCommits();
        GroupCommit<Integer, String> group = new GroupCommit<>(8, commits::commit);
        Mono<String> first = group.submit("a", 1).cache();
        Mono<String> second = group.submit("a", 2).cache();
        first.subscribe(v -> { }, e -> { });
        second.subscribe(v -> { }, e -> { });

        commits.pending.get(0).tryEmitError(new IllegalStateException("store down"));
        commits.complete(1);

        assertThatThrownBy(() -> first.block(Duration.ofSeconds(1))).hasMessageContaining("store down");
        assertThat(second.block(Duration.ofSeconds(1))).isEqualTo("a:2");
    }

    @Test
    void aCommitAnsweringTheWrongNumberOfResultsFailsItsItemsInsteadOfLeavingThemWaiting() {
        GroupCommit<Integer, String> empty = new GroupCommit<>(8, (key, batch) -> Mono.empty());
        GroupCommit<Integer, String> short_ = new GroupCommit<>(8, (key, batch) -> Mono.just(List.of()));
        GroupCommit<Integer, String> throwing = new GroupCommit<>(8, (key, batch) -> {
            throw new IllegalArgumentException("bad batch");
        });

        assertThatThrownBy(() -> empty.submit("a", 1).block(Duration.ofSeconds(1))).hasMessageContaining("without results");
        assertThatThrownBy(() -> short_.submit("a", 1).block(Duration.ofSeconds(1))).hasMessageContaining("got 0 results");
        assertThatThrownBy(() -> throwing.submit("a", 1).block(Duration.ofSeconds(1))).hasMessageContaining("bad batch");
        assertThat(List.of(empty.activeKeys(), short_.activeKeys(), throwing.activeKeys())).containsOnly(0);
    }

    @Test
    void underConcurrencyEveryItemIsAnsweredOnceAndBatchesOfAKeyNeverOverlap() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        GroupCommit<Integer, Integer> group = new GroupCommit<>(16, (key, batch) -> {
            if (inFlight.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            sizes.add(batch.size());
            return Mono.delay(Duration.ofMillis(1), Schedulers.parallel())
                    .map(tick -> batch.stream().map(i -> i * 10).toList())
                    .doOnNext(results -> inFlight.decrementAndGet());
        });
        int threads = 8;
        int perThread = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch answered = new CountDownLatch(threads * perThread);
        List<String> wrong = new CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            pool.execute(() -> {
                for (int i = base; i < base + perThread; i++) {
                    int item = i;
                    group.submit("a", item).subscribe(result -> {
                        if (result != item * 10) {
                            wrong.add(item + " -> " + result);
                        }
                        answered.countDown();
                    }, e -> wrong.add(item + " failed: " + e));
                }
            });
        }

        assertThat(answered.await(30, TimeUnit.SECONDS)).as("every item answered").isTrue();
        pool.shutdown();
        assertThat(wrong).isEmpty();
        assertThat(overlaps).hasValue(0);
        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(threads * perThread);
        assertThat(sizes).allMatch(size -> size <= 16);
        assertThat(sizes.size()).as("items were grouped").isLessThan(threads * perThread);
    }
}
