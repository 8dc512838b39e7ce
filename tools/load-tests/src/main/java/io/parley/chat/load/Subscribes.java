package io.parley.chat.load;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Subscribes many sockets to one conversation as a crowd of clients would: at most
 * {@value #IN_FLIGHT} subscribes unanswered at once, and one that was refused (an upstream
 * call that timed out under the burst) sent again. The benchmarks measure delivery, not a
 * subscribe storm.
 */
final class Subscribes {

    static final int IN_FLIGHT = 50;

    private Subscribes() {
    }

    /**
     * Sends {@code frame} on each of {@code sockets} until {@code subscribed} counts them all
     * or {@code seconds} pass; {@code refused} is where the sockets' handlers put a receiver
     * whose subscribe was refused, and {@code receivers} maps it back to its socket. Answers
     * how many subscribes were sent again.
     */
    static <R> int all(List<LeanSocket> sockets, List<R> receivers, Queue<R> refused, AtomicInteger subscribed,
                       String frame, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int next = 0;
        int retries = 0;
        while (subscribed.get() < sockets.size() && System.nanoTime() < deadline) {
            R again = refused.poll();
            if (again != null) {
                sockets.get(receivers.indexOf(again)).send(frame);
                retries++;
            } else if (next < sockets.size() && next - subscribed.get() - refused.size() < IN_FLIGHT) {
                sockets.get(next++).send(frame);
            } else {
                TimeUnit.MILLISECONDS.sleep(2);
            }
        }
        return retries;
    }
}
