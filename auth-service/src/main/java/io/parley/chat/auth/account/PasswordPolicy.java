package io.parley.chat.auth.account;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import org.springframework.stereotype.Component;

/**
 * NIST SP 800-63B's rules, not composition rules: at least {@value #MIN_LENGTH}
 * characters, and not one of the passwords attackers try first. The list is a resource
 * bundled in the jar (nothing is fetched at runtime) and is compared ignoring case, since
 * guessing tools try case variants of every entry anyway.
 */
@Component
public class PasswordPolicy {

    public static final int MIN_LENGTH = 8;
    public static final int MAX_LENGTH = 128;
    private static final String LIST = "/common-passwords.txt";

    private final Set<String> common;

    PasswordPolicy() {
        this.common = load();
    }

    /** Fails with {@link WeakPassword} naming the reason. */
    public void check(String password) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_LENGTH) {
            throw new WeakPassword("must be at least " + MIN_LENGTH + " characters");
        }
        if (password.length() > MAX_LENGTH) {
            throw new WeakPassword("must be at most " + MAX_LENGTH + " characters");
        }
        if (common.contains(password.toLowerCase(Locale.ROOT))) {
            throw new WeakPassword("is one of the most common passwords; choose another");
        }
    }

    int size() {
        return common.size();
    }

    private static Set<String> load() {
        try (InputStream in = PasswordPolicy.class.getResourceAsStream(LIST)) {
            if (in == null) {
                throw new IllegalStateException(LIST + " is missing from the classpath");
            }
            Set<String> entries = new HashSet<>();
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .forEach(line -> entries.add(line.toLowerCase(Locale.ROOT)));
            return Set.copyOf(entries);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
