package io.parley.chat.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time per process from /proc, so a benchmark on a shared machine can say where the
 * CPU of one operation went even when throughput is bounded by everything co-located.
 */
final class CpuMeter {

    /** Linux reports utime and stime in clock ticks of 10 ms. */
    private static final double MILLIS_PER_TICK = 10.0;

    private final Map<String, Long> pids;
    private final Map<String, Long> startTicks;

    private CpuMeter(Map<String, Long> pids) {
        this.pids = pids;
        this.startTicks = ticks(pids);
    }

    static CpuMeter start(Map<String, Long> pids) {
        return new CpuMeter(pids);
    }

    /** CPU milliseconds each process spent since the start, divided by {@code operations}. */
    Map<String, Double> perOperation(long operations) {
        Map<String, Long> now = ticks(pids);
        Map<String, Double> result = new LinkedHashMap<>();
        now.forEach((name, t) -> result.put(name, (t - startTicks.getOrDefault(name, t)) * MILLIS_PER_TICK
                / Math.max(1, operations)));
        return result;
    }

    void print(String what, long operations) {
        Map<String, Double> per = perOperation(operations);
        double total = per.values().stream().mapToDouble(Double::doubleValue).sum();
        System.out.printf("  CPU per %s (%d of them), total %.2f ms:%n", what, operations, total);
        per.forEach((name, ms) -> System.out.printf("    %-30s %6.2f ms%n", name, ms));
    }

    private static Map<String, Long> ticks(Map<String, Long> pids) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            try {
                // readAllLines, not readString: the latter sees only part of a /proc file
                String stat = Files.readAllLines(Path.of("/proc", String.valueOf(pid), "stat")).get(0);
                // fields after the command name, which may contain spaces, closed by ')'
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks.put(name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
            } catch (IOException | RuntimeException e) {
                // a process that is gone or not on Linux: left out
            }
        });
        return ticks;
    }
}
