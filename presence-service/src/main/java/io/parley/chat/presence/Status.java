package io.parley.chat.presence;

import java.util.Locale;

/** {@code unknown} is what a reader gets while Redis cannot be asked: presence is soft state, never a guess. */
public enum Status {
    ONLINE, OFFLINE, UNKNOWN;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
