package io.parley.chat.load;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/** Latency figures as the benchmarks print them: microsecond resolution, shown in milliseconds. */
public final class Percentiles {

    private Percentiles() {
    }

    /** A histogram for latencies up to a minute, recorded in microseconds. */
    public static Histogram histogram() {
        return new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
    }

    public static String describe(Histogram h) {
        return String.format("n=%d p50=%.2fms p99=%.2fms p99.9=%.2fms max=%.2fms", h.getTotalCount(),
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0);
    }
}
