package io.parley.chat.message;

import java.text.Normalizer;

import io.parley.chat.message.MessageProblems.InvalidMessage;

/**
 * What a message body may be. Text is stored as sent (no HTML escaping: that belongs
 * where it is rendered), after NFC normalisation so that visually equal text compares
 * equal; control characters other than newline and tab are refused because they hide
 * content and break terminals and logs.
 */
public final class BodyRules {

    private final int maxLength;

    public BodyRules(int maxLength) {
        this.maxLength = maxLength;
    }

    /** The normalised body, or an {@link InvalidMessage} that says what is wrong. */
    public String normalise(String body) {
        if (body == null) {
            throw new InvalidMessage("body", "must be present");
        }
        String text = Normalizer.normalize(body, Normalizer.Form.NFC);
        if (text.isBlank()) {
            throw new InvalidMessage("body", "must contain something other than white space");
        }
        if (text.codePointCount(0, text.length()) > maxLength) {
            throw new InvalidMessage("body", "must be at most " + maxLength + " characters");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) && c != '\n' && c != '\t') {
                throw new InvalidMessage("body", "must not contain control characters other than newline and tab");
            }
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(++i)))) {
                throw new InvalidMessage("body", "must be valid Unicode text");
            }
        }
        return text;
    }
}
