package io.parley.chat.conversation;

import java.util.Locale;

/** A member's role; stored and sent in lower case ({@code owner}, {@code admin}, {@code member}). */
public enum Role {
    OWNER, ADMIN, MEMBER;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
