package io.parley.chat.auth.account.api;

import java.util.List;

import io.parley.chat.auth.account.User;

record MeResponse(String id, String tenantId, String username, String displayName, List<String> roles) {

    static MeResponse of(User user) {
        return new MeResponse(user.id(), user.tenantId(), user.username(), user.displayName(), user.roles());
    }
}
