package io.parley.chat.auth.account.api;

import io.parley.chat.auth.account.User;

record UserResponse(String id, String tenantId, String username, String displayName) {

    static UserResponse of(User user) {
        return new UserResponse(user.id(), user.tenantId(), user.username(), user.displayName());
    }
}
