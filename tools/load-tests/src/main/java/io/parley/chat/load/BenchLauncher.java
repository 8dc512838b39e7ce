package io.parley.chat.load;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * What {@code tools/load-tests/bench} runs: the named benchmark's {@code main}, then an
 * exit. Without it, a benchmark whose clients leave non-daemon threads behind (Reactor
 * Netty's event loops, HTTP client pools) never ends, and the cluster it started keeps
 * running beside the next benchmark, which then measures both.
 */
public final class BenchLauncher {

    private BenchLauncher() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: bench <BenchmarkClass> [arguments...]");
            System.exit(2);
        }
        Class<?> benchmark = Class.forName(BenchLauncher.class.getPackageName() + "." + args[0]);
        int status = 0;
        try {
            benchmark.getMethod("main", String[].class).invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            e.getCause().printStackTrace();
            status = 1;
        }
        System.exit(status);
    }
}
