package io.parley.chat.conversation;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Where a page of the conversation list ends: the last line's activity time and id. Opaque
 * to clients (base64url); a cursor that does not decode is a 400, not a 5xx.
 */
public record ActivityCursor(Instant lastActivityAt, String conversationId) {

    public String encode() {
        String raw = lastActivityAt.toEpochMilli() + "|" + conversationId;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    public static ActivityCursor decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int bar = raw.indexOf('|');
            String id = raw.substring(bar + 1);
            if (bar < 1 || !id.matches(Ids.PATTERN)) {
                throw new IllegalArgumentException("shape");
            }
            return new ActivityCursor(Instant.ofEpochMilli(Long.parseLong(raw.substring(0, bar))), id);
        } catch (RuntimeException e) {
            throw new InvalidConversation("cursor", "is not a cursor this service handed out");
        }
    }
}
