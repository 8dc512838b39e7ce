package io.parley.chat.auth.account.persistence;

import java.time.Instant;
import java.util.List;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * @param username    as the user typed it, for display
 * @param usernameKey the lower-cased username: uniqueness and lookups ignore case
 */
@Document(UserDocument.COLLECTION)
public record UserDocument(@Id String id, String tenantId, String username, String usernameKey, String displayName,
                           String passwordHash, List<String> roles, boolean disabled, Instant createdAt) {

    static final String COLLECTION = "users";
}
