package io.parley.chat.conversation;

import java.time.Instant;

import io.parley.chat.kit.page.InvalidCursor;
import io.parley.chat.kit.page.PageCursor;

/**
 * Where a page of the conversation list ends: the last line's activity time and id, as a
 * {@link PageCursor} of the list {@value #LIST}; one that does not decode is a 400, not a 5xx.
 */
public record ActivityCursor(Instant lastActivityAt, String conversationId) {

    static final String LIST = "conversations";

    public String encode() {
        return PageCursor.of(LIST, Long.toString(lastActivityAt.toEpochMilli()), conversationId).encode();
    }

    /** Null for no cursor (the first page). */
    public static ActivityCursor decode(String cursor) {
        PageCursor decoded = PageCursor.decode(cursor, LIST, 2);
        if (decoded == null) {
            return null;
        }
        if (!decoded.text(1).matches(Ids.PATTERN)) {
            throw new InvalidCursor();
        }
        return new ActivityCursor(Instant.ofEpochMilli(decoded.number(0)), decoded.text(1));
    }
}
