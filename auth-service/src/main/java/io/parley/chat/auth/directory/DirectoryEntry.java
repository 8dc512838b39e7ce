package io.parley.chat.auth.directory;

/** What one user may see of another in the same tenant: no roles, no state. */
public record DirectoryEntry(String id, String username, String displayName) {
}
