package io.parley.chat.presence;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

/**
 * Logs a failing dependency at most once per interval: while Redis or Kafka is down every
 * request fails the same way, and one line per request would bury everything else.
 */
public final class FailureLog {

    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong nextAllowed = new AtomicLong(System.nanoTime());

    public FailureLog(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    public void warn(String what, Throwable failure) {
        long now = System.nanoTime();
        long next = nextAllowed.get();
        if (now - next >= 0 && nextAllowed.compareAndSet(next, now + intervalNanos)) {
            log.warn("{} failed ({}); answering degraded, next report in {}s at the earliest", what, failure.toString(),
                    intervalNanos / 1_000_000_000L);
        }
    }
}
