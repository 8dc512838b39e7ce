package io.parley.chat.conversation;

/** The shape of every id a client may send: user, conversation and session ids. */
public final class Ids {

    public static final String PATTERN = "^[A-Za-z0-9_-]{1,64}$";
    public static final String MESSAGE = "must be 1 to 64 characters of A-Z, a-z, 0-9, _ or -";

    private Ids() {
    }
}
