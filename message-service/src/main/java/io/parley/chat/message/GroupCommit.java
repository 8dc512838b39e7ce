package io.parley.chat.message;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Group commit: items for one key that arrive while that key's previous batch is being
 * committed wait and go together in its next batch, so that under load one store round
 * trip serves many items. An item for an idle key is committed at once: a lone send
 * waits for no company and pays nothing for the batching.
 *
 * <p>A key's batches never overlap and run in arrival order: batch n+1 is handed to the
 * committer only once batch n's commit has completed. Different keys commit
 * independently. A key with nothing queued keeps no state.
 *
 * @param <T> what is submitted
 * @param <R> what each submitter gets back
 */
final class GroupCommit<T, R> {

    private final int maxBatch;
    private final BiFunction<String, List<T>, Mono<List<R>>> committer;
    private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();

    /**
     * @param committer commits one batch of a key and answers one result per item, in the batch's order
     */
    GroupCommit(int maxBatch, BiFunction<String, List<T>, Mono<List<R>>> committer) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, was " + maxBatch);
        }
        this.maxBatch = maxBatch;
        this.committer = committer;
    }

    /** Commits {@code item} in the next batch of {@code key}; completes with its result once that batch is committed. */
    Mono<R> submit(String key, T item) {
        return Mono.create(sink -> enqueue(key, new Pending<>(item, sink)));
    }

    /** Keys with a batch being committed (or queued): zero when idle. */
    int activeKeys() {
        return lanes.size();
    }

    private void enqueue(String key, Pending<T, R> pending) {
        while (true) {
            Lane lane = lanes.computeIfAbsent(key, Lane::new);
            synchronized (lane) {
                if (lane.retired) {
                    continue; // it emptied and left the map after we found it: take the new one
                }
                lane.queue.add(pending);
                if (lane.committing) {
                    return; // the running batch's completion takes this one along
                }
                lane.committing = true;
            }
            lane.commitNext();
            return;
        }
    }

    private record Pending<T, R>(T item, MonoSink<R> sink) {
    }

    /** One key's queue; at most one batch of it is being committed at a time. */
    private final class Lane {

        private final String key;
        private final Queue<Pending<T, R>> queue = new ArrayDeque<>();
        private boolean committing;
        private boolean retired;

        Lane(String key) {
            this.key = key;
        }

        void commitNext() {
            List<Pending<T, R>> batch = new ArrayList<>();
            synchronized (this) {
                while (batch.size() < maxBatch && !queue.isEmpty()) {
                    batch.add(queue.poll());
                }
                if (batch.isEmpty()) {
                    committing = false;
                    retired = true;
                    lanes.remove(key, this);
                    return;
                }
            }
            Mono<List<R>> commit;
            try {
                commit = committer.apply(key, batch.stream().map(Pending::item).toList());
            } catch (RuntimeException e) {
                commit = Mono.error(e);
            }
            commit.subscribe(results -> answer(batch, results), error -> {
                batch.forEach(p -> p.sink().error(error));
                commitNext();
            }, () -> {
                if (!batch.isEmpty()) {
                    // a commit that completed without results answered nobody: fail them rather than leave them waiting
                    batch.forEach(p -> p.sink().error(new IllegalStateException("batch of " + key + " committed without results")));
                }
                commitNext();
            });
        }

        private void answer(List<Pending<T, R>> batch, List<R> results) {
            if (results.size() != batch.size()) {
                IllegalStateException wrong = new IllegalStateException(
                        "batch of " + batch.size() + " for " + key + " got " + results.size() + " results");
                batch.forEach(p -> p.sink().error(wrong));
            } else {
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).sink().success(results.get(i));
                }
            }
            batch.clear(); // answered: the completion that follows finds nobody left to fail
        }
    }
}
