package io.parley.chat.conversation;

/** The shape of every id a client may send: user, conversation and session ids. */
public final class Ids {

    public static final String PATTERN = "^[A-Za-z0-9_-]{1,64}$";
    public static final String MESSAGE = "must be 1 to 64 characters of A-Z, a-z, 0-9, _ or -";

    private static final java.util.regex.Pattern COMPILED = java.util.regex.Pattern.compile(PATTERN);

    private Ids() {
    }

    /**
     * For path ids of handlers that also take a {@code @Valid} body: a {@code @Pattern} on the
     * path variable would turn every body error into a method-validation error that names no
     * field, so these handlers check the path here and keep the body's field errors.
     */
    public static String require(String name, String value) {
        if (value == null || !COMPILED.matcher(value).matches()) {
            throw new InvalidConversation(name, MESSAGE);
        }
        return value;
    }
}
