package io.parley.chat.message;

/** The stored message, and whether this request created it or repeated an earlier send. */
public record SendResult(Message message, boolean created) {
}
