package io.parley.chat.conversation;

import io.parley.chat.kit.page.InvalidCursor;
import io.parley.chat.kit.page.PageCursor;

/**
 * Where a page of the channel directory ends: the last channel's title and id (the
 * directory's order), as a {@link PageCursor} of the list {@value #LIST}.
 */
public record TitleCursor(String title, String conversationId) {

    static final String LIST = "channels";

    public static TitleCursor after(Conversation channel) {
        return new TitleCursor(channel.title(), channel.id());
    }

    public String encode() {
        return PageCursor.of(LIST, title, conversationId).encode();
    }

    /** Null for no cursor (the first page). */
    public static TitleCursor decode(String cursor) {
        PageCursor decoded = PageCursor.decode(cursor, LIST, 2);
        if (decoded == null) {
            return null;
        }
        if (!decoded.text(1).matches(Ids.PATTERN)) {
            throw new InvalidCursor();
        }
        return new TitleCursor(decoded.text(0), decoded.text(1));
    }
}
