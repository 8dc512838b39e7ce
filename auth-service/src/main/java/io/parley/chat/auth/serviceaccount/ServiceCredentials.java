package io.parley.chat.auth.serviceaccount;

/** A new service account as its creator sees it, once: the secret is not stored and cannot be shown again. */
public record ServiceCredentials(String clientId, String clientSecret, String name, String tenantId) {
}
