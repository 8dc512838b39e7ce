package io.parley.chat.auth.serviceaccount.persistence;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/** An integration's credentials; the secret is kept only as its SHA-256 hash. */
@Document(ServiceAccountDocument.COLLECTION)
public record ServiceAccountDocument(@Id String clientId, String tenantId, String name, String secretHash,
                                     boolean disabled, Instant createdAt) {

    static final String COLLECTION = "service_accounts";
}
