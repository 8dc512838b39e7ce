package io.parley.chat.kit.lifecycle;

import java.time.Duration;

import org.springframework.context.SmartLifecycle;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Work done in rounds while the application runs: the first round {@code first} after
 * start, then every {@code every}. Rounds never overlap: a slow round delays the next
 * tick instead of running beside it. A round should handle its own failures (log, count,
 * retry next round); one that fails anyway ends nothing but itself.
 */
public abstract class PeriodicTask implements SmartLifecycle {

    private final Duration first;
    private final Duration every;
    private volatile Disposable running;

    protected PeriodicTask(Duration first, Duration every) {
        this.first = first;
        this.every = every;
    }

    /** One round. */
    protected abstract Mono<Void> round();

    @Override
    public final void start() {
        if (running == null) {
            running = Flux.interval(first, every)
                    .onBackpressureDrop()
                    .concatMap(tick -> round().onErrorResume(e -> Mono.empty()), 1)
                    .subscribe();
        }
    }

    @Override
    public final void stop() {
        Disposable current = running;
        running = null;
        if (current != null) {
            current.dispose();
        }
    }

    @Override
    public final boolean isRunning() {
        return running != null;
    }
}
