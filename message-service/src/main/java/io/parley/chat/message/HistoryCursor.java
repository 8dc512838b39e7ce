package io.parley.chat.message;

import io.parley.chat.kit.page.InvalidCursor;
import io.parley.chat.kit.page.PageCursor;

/**
 * Where the next page of a conversation's history is, as a {@link PageCursor} of the list
 * {@value #LIST}: the same window as {@code afterSeq}/{@code beforeSeq} would name, moved
 * past the page just read, so it goes on in the same direction (forward after the last seq
 * when {@code afterSeq} is set, else backward before the first). It names its conversation:
 * used on another one's history it is a 400, so a cursor never leads into another log (and
 * membership is checked on the conversation in the path, whatever the cursor says).
 */
public record HistoryCursor(String conversationId, Long afterSeq, Long beforeSeq) {

    static final String LIST = "messages";

    public String encode() {
        return PageCursor.of(LIST, conversationId, afterSeq == null ? "" : afterSeq.toString(),
                beforeSeq == null ? "" : beforeSeq.toString()).encode();
    }

    /** Null for no cursor; a cursor of another conversation, or one that names no window, is an {@link InvalidCursor}. */
    public static HistoryCursor decode(String cursor, String conversationId) {
        PageCursor decoded = PageCursor.decode(cursor, LIST, 3);
        if (decoded == null) {
            return null;
        }
        if (!decoded.text(0).equals(conversationId)) {
            throw new InvalidCursor("is a cursor of another conversation's history");
        }
        Long after = decoded.text(1).isEmpty() ? null : decoded.number(1);
        Long before = decoded.text(2).isEmpty() ? null : decoded.number(2);
        if ((after == null && before == null) || (after != null && after < 0) || (before != null && before < 1)) {
            throw new InvalidCursor();
        }
        return new HistoryCursor(conversationId, after, before);
    }
}
