package io.parley.chat.conversation;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A create request that follows the rules of its type: the caller is left out of the
 * other members, a DIRECT conversation has exactly one other member and no title, a
 * GROUP or CHANNEL has a title of 1 to {@value #MAX_TITLE} characters (NFC, no control
 * characters) and at most {@value #MAX_MEMBERS} other members.
 */
public record NewConversation(ConversationType type, String title, List<String> otherMemberIds) {

    public static final int MAX_TITLE = 128;
    public static final int MAX_MEMBERS = 256;

    public static NewConversation of(String callerId, ConversationType type, String title, List<String> memberIds) {
        List<String> requested = memberIds == null ? List.of() : memberIds;
        if (requested.size() > MAX_MEMBERS) {
            throw new InvalidConversation("memberIds", "at most " + MAX_MEMBERS + " members per request");
        }
        Set<String> others = new LinkedHashSet<>(requested);
        if (others.size() != requested.size()) {
            throw new InvalidConversation("memberIds", "must not contain the same user twice");
        }
        others.remove(callerId);
        if (type == ConversationType.DIRECT) {
            if (others.size() != 1) {
                throw new InvalidConversation("memberIds", "a DIRECT conversation has exactly one other member");
            }
            return new NewConversation(type, null, List.copyOf(others));
        }
        return new NewConversation(type, checkedTitle(title), List.copyOf(others));
    }

    /**
     * Identifies the pair in its tenant whichever of the two asks. Parts are URL-encoded so
     * that the separator cannot occur inside one and two different pairs never share a key.
     */
    public static String directKey(String tenantId, String userA, String userB) {
        String first = userA.compareTo(userB) <= 0 ? userA : userB;
        String second = first.equals(userA) ? userB : userA;
        return encode(tenantId) + ":" + encode(first) + ":" + encode(second);
    }

    /** NFC, no control characters, 1 to {@value #MAX_TITLE} characters. */
    static String checkedTitle(String title) {
        if (title == null || title.isBlank()) {
            throw new InvalidConversation("title", "is required for GROUP and CHANNEL conversations");
        }
        String normalized = Normalizer.normalize(title, Normalizer.Form.NFC);
        if (normalized.codePoints().anyMatch(Character::isISOControl)) {
            throw new InvalidConversation("title", "must not contain control characters");
        }
        if (normalized.codePointCount(0, normalized.length()) > MAX_TITLE) {
            throw new InvalidConversation("title", "must be at most " + MAX_TITLE + " characters");
        }
        return normalized;
    }

    private static String encode(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8);
    }
}
