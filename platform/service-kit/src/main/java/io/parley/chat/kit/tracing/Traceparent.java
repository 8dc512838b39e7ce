package io.parley.chat.kit.tracing;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;

/**
 * A W3C {@code traceparent} (version 00) as a value, for contexts that outlive the call that
 * made them: message-service stores one with each outbox entry, so that the Kafka record it
 * publishes later, from another thread or another replica, continues the trace of the send.
 */
public record Traceparent(String traceId, String spanId, boolean sampled) {

    private static final Pattern V0 = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final String INVALID_TRACE = "0".repeat(32);
    private static final String INVALID_SPAN = "0".repeat(16);

    /** The header's value; empty when it is absent or not a valid version-00 traceparent. */
    public static Optional<Traceparent> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher match = V0.matcher(header.strip());
        if (!match.matches() || INVALID_TRACE.equals(match.group(1)) || INVALID_SPAN.equals(match.group(2))) {
            return Optional.empty();
        }
        boolean sampled = (Integer.parseInt(match.group(3), 16) & 1) == 1;
        return Optional.of(new Traceparent(match.group(1), match.group(2), sampled));
    }

    public static Traceparent of(TraceContext context) {
        return new Traceparent(context.traceId(), context.spanId(), Boolean.TRUE.equals(context.sampled()));
    }

    /** The header's value. */
    public String header() {
        return "00-" + traceId + "-" + spanId + (sampled ? "-01" : "-00");
    }

    /** The context to open a scope on, so that spans started in it are children of this one. */
    public TraceContext toContext(Tracer tracer) {
        return tracer.traceContextBuilder().traceId(traceId).spanId(spanId).sampled(sampled).build();
    }
}
