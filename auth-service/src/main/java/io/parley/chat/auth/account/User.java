package io.parley.chat.auth.account;

import java.util.List;

public record User(String id, String tenantId, String username, String displayName, List<String> roles,
                   boolean disabled) {
}
