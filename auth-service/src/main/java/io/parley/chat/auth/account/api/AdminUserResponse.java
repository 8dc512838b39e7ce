package io.parley.chat.auth.account.api;

import java.util.List;

import io.parley.chat.auth.account.User;

/** What an admin sees of a user: also roles and state, which the directory hides. */
record AdminUserResponse(String id, String tenantId, String username, String displayName, List<String> roles,
                         boolean disabled) {

    static AdminUserResponse of(User user) {
        return new AdminUserResponse(user.id(), user.tenantId(), user.username(), user.displayName(), user.roles(),
                user.disabled());
    }
}
