package io.parley.chat.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;

/**
 * N blocking clients, each repeating one call as fast as it is answered, for a while:
 * client {@code c} makes calls {@code c, c + N, c + 2N, ...}, so callers can spread the
 * calls over their inputs. Each answer is timed; a call that fails counts as failed.
 */
final class ClosedLoop {

    /** One call; {@code true} when it was answered as expected. */
    interface Call {
        boolean run(int index) throws Exception;
    }

    record Result(Histogram histogram, long failed) {
    }

    private ClosedLoop() {
    }

    static Result run(int clients, Duration duration, Call call) throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        AtomicLong failed = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Histogram>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int offset = c;
                futures.add(pool.submit(() -> {
                    Histogram h = Percentiles.histogram();
                    for (int i = offset; System.nanoTime() < end; i += clients) {
                        long start = System.nanoTime();
                        if (call.run(i)) {
                            h.recordValue(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start));
                        } else {
                            failed.incrementAndGet();
                        }
                    }
                    return h;
                }));
            }
            Histogram total = Percentiles.histogram();
            for (Future<Histogram> future : futures) {
                total.add(future.get());
            }
            return new Result(total, failed.get());
        } finally {
            pool.shutdown();
        }
    }
}
