package io.parley.chat.kit.page;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Where a page ends, as an opaque string: the name of the list it belongs to and the
 * position of the last item (its sort key), each part base64url-encoded, joined by dots, and
 * encoded once more. It carries a position only, never a right: every request is checked as
 * if it had no cursor, so a tampered cursor can move the position but never reach what the
 * caller may not read. A cursor that does not decode, is of another list or has the wrong
 * number of parts is an {@link InvalidCursor} (400), never a 5xx.
 */
public record PageCursor(String list, List<String> position) {

    /** Longer cursors are refused unread; one with the longest channel title stays well under it. */
    public static final int MAX_LENGTH = 2048;

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    public PageCursor {
        position = List.copyOf(position);
    }

    public static PageCursor of(String list, String... position) {
        return new PageCursor(list, Arrays.asList(position));
    }

    public String encode() {
        List<String> parts = new ArrayList<>(position.size() + 1);
        parts.add(part(list));
        position.forEach(p -> parts.add(part(p)));
        return part(String.join(".", parts));
    }

    /**
     * The cursor of {@code list} with {@code size} position parts, or null when
     * {@code cursor} is null or empty (the first page).
     */
    public static PageCursor decode(String cursor, String list, int size) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        if (cursor.length() > MAX_LENGTH) {
            throw new InvalidCursor();
        }
        try {
            String[] parts = text(cursor).split("\\.", -1);
            if (parts.length != size + 1 || !text(parts[0]).equals(list)) {
                throw new InvalidCursor();
            }
            List<String> position = new ArrayList<>(size);
            for (int i = 1; i < parts.length; i++) {
                position.add(text(parts[i]));
            }
            return new PageCursor(list, position);
        } catch (IllegalArgumentException e) {
            throw new InvalidCursor();
        }
    }

    public String text(int part) {
        return position.get(part);
    }

    /** A number part; anything else is an {@link InvalidCursor}. */
    public long number(int part) {
        try {
            return Long.parseLong(position.get(part));
        } catch (NumberFormatException e) {
            throw new InvalidCursor();
        }
    }

    private static String part(String text) {
        return ENCODER.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(String part) {
        byte[] bytes = DECODER.decode(part);
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!Arrays.equals(text.getBytes(StandardCharsets.UTF_8), bytes)) {
            throw new IllegalArgumentException("not UTF-8");
        }
        return text;
    }
}
