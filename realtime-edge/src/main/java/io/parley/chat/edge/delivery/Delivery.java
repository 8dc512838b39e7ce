package io.parley.chat.edge.delivery;

import java.time.Instant;

/** One log entry of a conversation, encoded once as a {@code message} frame and written as-is to every socket. */
public record Delivery(long seq, byte[] frame, Instant createdAt) {
}
