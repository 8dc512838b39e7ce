package io.parley.chat.conversation;

import java.util.HashSet;
import java.util.List;

/** Users to add with one role (default member): 1 to {@value #MAX_USERS}, no user twice. */
public record NewMembers(List<String> userIds, Role role) {

    public static final int MAX_USERS = NewConversation.MAX_MEMBERS;

    public static NewMembers of(List<String> userIds, String role) {
        if (userIds == null || userIds.isEmpty()) {
            throw new InvalidConversation("userIds", "name at least one user");
        }
        if (userIds.size() > MAX_USERS) {
            throw new InvalidConversation("userIds", "at most " + MAX_USERS + " users per request");
        }
        if (new HashSet<>(userIds).size() != userIds.size()) {
            throw new InvalidConversation("userIds", "must not contain the same user twice");
        }
        return new NewMembers(List.copyOf(userIds), role == null ? Role.MEMBER : Role.fromWire(role));
    }
}
