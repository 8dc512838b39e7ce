package io.parley.chat.conversation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A PATCH of title and settings; null leaves a part as it is. Settings are a small flat
 * map of strings (at most {@value #MAX_SETTINGS} keys of {@code [A-Za-z0-9_.-]{1,64}},
 * values up to {@value #MAX_SETTING_VALUE} characters, no control characters); a PATCH
 * replaces the whole map, so a client removes a key by sending the map without it.
 */
public record ConversationChange(String title, Map<String, String> settings) {

    public static final int MAX_SETTINGS = 32;
    public static final int MAX_SETTING_VALUE = 1024;
    private static final Pattern KEY = Pattern.compile("^[A-Za-z0-9_.-]{1,64}$");

    public static ConversationChange of(String title, Map<String, String> settings) {
        if (title == null && settings == null) {
            throw new InvalidConversation("title", "send a title, settings, or both");
        }
        return new ConversationChange(title == null ? null : NewConversation.checkedTitle(title),
                settings == null ? null : checkedSettings(settings));
    }

    private static Map<String, String> checkedSettings(Map<String, String> settings) {
        if (settings.size() > MAX_SETTINGS) {
            throw new InvalidConversation("settings", "at most " + MAX_SETTINGS + " keys");
        }
        Map<String, String> result = new LinkedHashMap<>();
        settings.forEach((key, value) -> {
            if (key == null || !KEY.matcher(key).matches()) {
                throw new InvalidConversation("settings", "keys must be 1 to 64 characters of A-Z, a-z, 0-9, _, . or -");
            }
            if (value == null || value.length() > MAX_SETTING_VALUE
                    || value.codePoints().anyMatch(Character::isISOControl)) {
                throw new InvalidConversation("settings." + key, "must be a string of at most " + MAX_SETTING_VALUE
                        + " characters without control characters");
            }
            result.put(key, value);
        });
        return result;
    }
}
