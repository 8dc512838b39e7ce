package io.parley.chat.auth.tenant;

/** An organisation whose users and data are isolated from every other; tokens carry {@link #id()}. */
public record Tenant(String id, String slug, String name, boolean openSignup) {
}
