package io.parley.chat.edge.transport;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code chat_ws_frames_total{direction="out",type}}, and
 * {@code chat_ws_slow_consumers_total}: sockets closed because they did not read their
 * frames fast enough. A frame reaches a socket as bytes
 * encoded once for many sockets, so its type is read back from those bytes: the
 * {@code "type":"...} near the start of every server frame, matched against the known
 * types without allocating, which keeps the count off the fan-out's allocation budget.
 */
public final class OutboundFrames {

    private static final byte[] TYPE_FIELD = "\"type\":\"".getBytes(StandardCharsets.UTF_8);
    /** Every server frame puts its type among its first fields; no need to look further. */
    private static final int SCAN = 64;
    private static final List<String> TYPES = List.of("message", "activity", "typing", "read", "presence",
            "conversation", "ack", "subscribed", "unsubscribed", "pong", "auth.ok", "error", "reconnect");

    private static final int MESSAGE = TYPES.indexOf("message");

    private final byte[][] names;
    private final Counter[] counters;
    private final Counter other;
    private final Counter slowConsumers;

    public OutboundFrames(MeterRegistry metrics) {
        names = new byte[TYPES.size()][];
        counters = new Counter[TYPES.size()];
        for (int i = 0; i < TYPES.size(); i++) {
            names[i] = TYPES.get(i).getBytes(StandardCharsets.UTF_8);
            counters[i] = counter(metrics, TYPES.get(i));
        }
        other = counter(metrics, "unknown");
        slowConsumers = Counter.builder("chat.ws.slow.consumers")
                .description("Sockets closed because their outbound queue passed its bound (they resume on reconnect)")
                .register(metrics);
    }

    private static Counter counter(MeterRegistry metrics, String type) {
        return Counter.builder("chat.ws.frames").description("WebSocket frames by direction and type")
                .tag("direction", "out").tag("type", type).register(metrics);
    }

    /** A {@code message} frame, whose type is known without reading it: a fan-out counts a thousand of one. */
    public void countMessage() {
        counters[MESSAGE].increment();
    }

    /** A socket is being closed for not reading: its outbound queue passed its bound. */
    public void slowConsumer() {
        slowConsumers.increment();
    }

    public void count(byte[] frame) {
        int start = valueStart(frame);
        if (start >= 0) {
            for (int i = 0; i < names.length; i++) {
                if (matches(frame, start, names[i])) {
                    counters[i].increment();
                    return;
                }
            }
        }
        other.increment();
    }

    /** Where the type's value begins, or -1. */
    private static int valueStart(byte[] frame) {
        int last = Math.min(frame.length, SCAN) - TYPE_FIELD.length;
        for (int at = 0; at <= last; at++) {
            if (matches(frame, at, TYPE_FIELD)) {
                return at + TYPE_FIELD.length;
            }
        }
        return -1;
    }

    /** {@code name} at {@code start}, followed by the closing quote. */
    private static boolean matches(byte[] frame, int start, byte[] name) {
        if (start + name.length >= frame.length) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (frame[start + i] != name[i]) {
                return false;
            }
        }
        return name == TYPE_FIELD || frame[start + name.length] == '"';
    }
}
