package io.parley.chat.edge.transport;

/**
 * A token bucket for one socket's inbound frames: {@code burst} frames at once, refilled
 * at {@code perSecond}. One socket flooding frames must not take the edge's time from
 * everyone else; a normal client (typing indicators, sends, pings) stays far below it.
 */
public final class FrameBudget {

    private final double perNano;
    private final double burst;
    private double tokens;
    private long last = System.nanoTime();

    public FrameBudget(int perSecond, int burst) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
    }

    public synchronized boolean take() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - last) * perNano);
        last = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
