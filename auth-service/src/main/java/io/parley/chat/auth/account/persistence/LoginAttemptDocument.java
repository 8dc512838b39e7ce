package io.parley.chat.auth.account.persistence;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A counter of failed logins for one subject (an account at a client address, or a client
 * address) in one fixed window; the window's number is part of the id, so a new window
 * starts at zero.
 */
@Document(LoginAttemptDocument.COLLECTION)
public record LoginAttemptDocument(@Id String id, long count, Instant expiresAt) {

    static final String COLLECTION = "login_attempts";
}
