package io.parley.chat.message.messaging;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.parley.chat.message.config.MessageProperties;

/**
 * When the sweepers read the message log. Reading it for holes and unpublished entries is
 * what the sweepers are for, but it is not free: on MongoDB it is an index range per dirty
 * conversation, on the Mongo wire server of tests and the local run a scan of the whole
 * collection under its lock, which every send waits behind. So the log is read often only
 * while there is reason to expect something in it:
 *
 * <ul>
 * <li>after this replica saw something fail that leaves work for a sweeper (a publish not
 *     acknowledged or not attempted, a send that may have taken a seq without storing), it
 *     is read every sweep interval until the grace period has passed twice over;</li>
 * <li>after startup likewise, for what this replica's previous run left;</li>
 * <li>after another replica stopped without a goodbye ({@link ReplicaWatch}), for what it
 *     left;</li>
 * <li>otherwise every full-sweep interval, the safety net for a death nobody noticed.</li>
 * </ul>
 *
 * Nothing is lost either way: a hole or an unpublished entry waits, at most a full-sweep
 * interval plus the grace, for a replica to find it; usually the replica timeout plus the
 * grace.
 */
@Component
public class SweepCadence {

    private final LongSupplier nanoClock;
    private final long fullIntervalNanos;
    private final long alertWindowNanos;
    private final AtomicLong alertUntil;

    @Autowired
    SweepCadence(MessageProperties properties) {
        this(properties.fullSweepInterval(), properties.sweepGrace(), properties.sweepInterval(), System::nanoTime);
    }

    SweepCadence(Duration fullInterval, Duration grace, Duration interval, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.fullIntervalNanos = fullInterval.toNanos();
        // A lost seq may be past the counter's current checkpoint: that one is checked after a
        // grace, the next checkpoint (which covers it) after another, each at the next round.
        this.alertWindowNanos = grace.multipliedBy(2).plus(interval.multipliedBy(3)).toNanos();
        this.alertUntil = new AtomicLong(nanoClock.getAsLong() + alertWindowNanos);
    }

    /**
     * Something may have left a hole or an unpublished entry (a failure here, or another
     * replica's death that {@link ReplicaWatch} noticed): read the log often for a while.
     */
    public void suspect() {
        alertUntil.set(nanoClock.getAsLong() + alertWindowNanos);
    }

    /** Whether this replica is still reading the log often: its startup, or a {@link #suspect()} not long ago. */
    public boolean alerted() {
        return nanoClock.getAsLong() - alertUntil.get() < 0;
    }

    /**
     * A sweeper's own record of when it last read the log. {@code phase} (0 to 1) shifts its
     * full reads by that fraction of the full interval, so that two sweepers' reads do not
     * land on the log at the same moment.
     */
    public Sweeps sweeps(double phase) {
        if (phase < 0 || phase >= 1) {
            throw new IllegalArgumentException("phase must be in [0, 1), was " + phase);
        }
        return new Sweeps(nanoClock.getAsLong() - (long) (phase * fullIntervalNanos));
    }

    /** One sweeper's view of the cadence. */
    public final class Sweeps {

        private long lastRead;

        private Sweeps(long lastRead) {
            this.lastRead = lastRead;
        }

        /**
         * Whether this round should read the log. Called from one sweeper thread. Reads for
         * an alert leave the full-interval schedule (and so its phase) as it was.
         */
        public boolean due() {
            long now = nanoClock.getAsLong();
            if (now - lastRead >= fullIntervalNanos) {
                lastRead = now;
                return true;
            }
            return alerted();
        }
    }
}
