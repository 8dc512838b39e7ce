package io.parley.chat.kit.logging;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.slf4j.Logger;

/**
 * A warning that an outage writes once per interval and key, not once per failed call: a
 * service that cannot reach another for a minute writes six lines, not sixty thousand
 * stack traces. The line names the failure's class and its root cause's class, never a
 * message, which could carry a token or a body.
 */
public final class ThrottledWarning {

    private final Logger log;
    private final long everyNanos;
    private final ConcurrentMap<String, Long> lastWarned = new ConcurrentHashMap<>();

    public ThrottledWarning(Logger log, Duration every) {
        this.log = log;
        this.everyNanos = every.toNanos();
    }

    /**
     * Writes {@code format} with {@code key}, the failure's class and its root cause's class as
     * its three arguments, unless a line for {@code key} was written less than the interval ago.
     * True when it wrote.
     */
    public boolean warn(String key, Throwable failure, String format) {
        long now = System.nanoTime();
        boolean[] due = {false};
        lastWarned.compute(key, (name, last) -> {
            due[0] = last == null || now - last >= everyNanos;
            return due[0] ? now : last;
        });
        if (due[0]) {
            Throwable root = failure;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            log.warn(format, key, failure.getClass().getSimpleName(), root.getClass().getSimpleName());
        }
        return due[0];
    }
}
