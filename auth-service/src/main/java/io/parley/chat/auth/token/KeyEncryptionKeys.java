package io.parley.chat.auth.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.parley.chat.auth.config.AuthProperties;
import io.parley.chat.auth.token.persistence.SealedJwk;

/**
 * The key-encryption keys (KEKs) that wrap the private signing keys stored in Mongo, by id:
 * {@link #seal} encrypts with the current one, {@link #open} decrypts with whichever one a
 * stored key names, so keys wrapped before a KEK rotation keep loading until they are
 * re-wrapped ({@code SigningKeyService.wrapWithCurrentKek}, at startup).
 *
 * <p>AES-256-GCM with a random 96-bit nonce per encryption and the key's document id and
 * kid as additional authenticated data. A wrong KEK or an altered document fails to open
 * instead of yielding a wrong key. The settings are checked here, at startup; no message,
 * log line or {@code toString} ever contains a key or a key's bytes.
 */
@Component
class KeyEncryptionKeys {

    private static final Logger log = LoggerFactory.getLogger(KeyEncryptionKeys.class);

    static final String KEKS = "chat.auth.keys.encryption.keks (SIGNING_KEKS)";
    static final String CURRENT = "chat.auth.keys.encryption.current-kek (SIGNING_KEK_ID)";
    static final String ALLOW_DEVELOPMENT = "chat.auth.keys.encryption.allow-development-kek (SIGNING_KEK_ALLOW_DEVELOPMENT)";
    /**
     * The KEK of the local run and the tests when none is configured. Its bytes follow from
     * this source, so it protects nothing: it only keeps one code path for every deployment.
     */
    static final String DEVELOPMENT_ID = "development";

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String CIPHER = "AES/GCM/NoPadding";

    private final Map<String, SecretKey> keks;
    private final String current;
    private final SecureRandom random = new SecureRandom();

    KeyEncryptionKeys(AuthProperties properties) {
        AuthProperties.KeyEncryption settings = properties.keys().encryption();
        Map<String, SecretKey> configured = parse(settings.keks());
        if (configured.isEmpty()) {
            if (!settings.allowDevelopmentKek()) {
                throw new IllegalStateException(KEKS + " is not set and " + ALLOW_DEVELOPMENT + " is false: give at "
                        + "least one key-encryption key as id:base64 of 32 random bytes (openssl rand -base64 32)");
            }
            log.warn("Signing keys are encrypted at rest with the built-in DEVELOPMENT key-encryption key '{}', which "
                    + "anyone with this source can rebuild: set {} and {} for any deployment that matters",
                    DEVELOPMENT_ID, KEKS, CURRENT);
            this.current = DEVELOPMENT_ID;
        } else {
            this.current = currentOf(configured, settings.currentKek());
        }
        Map<String, SecretKey> all = new LinkedHashMap<>(configured);
        if (settings.allowDevelopmentKek()) {
            // keys wrapped with it before a real KEK was configured still load, and are re-wrapped
            all.put(DEVELOPMENT_ID, developmentKey());
        }
        this.keks = Map.copyOf(all);
        log.info("Signing keys are wrapped with key-encryption key '{}'; {} key-encryption key(s) known", current,
                keks.size());
    }

    /** The id of the KEK that wraps new keys. */
    String currentId() {
        return current;
    }

    /** Encrypts a private JWK under the current KEK, bound to the document {@code id} and {@code kid} it belongs to. */
    SealedJwk seal(String id, String kid, String jwk) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(CIPHER);
            cipher.init(Cipher.ENCRYPT_MODE, keks.get(current), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(id, kid));
            byte[] sealed = cipher.doFinal(jwk.getBytes(StandardCharsets.UTF_8));
            Base64.Encoder base64 = Base64.getEncoder();
            return new SealedJwk(current, base64.encodeToString(nonce), base64.encodeToString(sealed));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot encrypt signing key " + kid + " with AES-256-GCM", e);
        }
    }

    /** The private JWK that {@link #seal} encrypted; fails naming the KEK, never showing a key. */
    String open(String id, String kid, SealedJwk sealed) {
        SecretKey kek = keks.get(sealed.kekId());
        if (kek == null) {
            throw new IllegalStateException("Signing key " + kid + " is wrapped with key-encryption key '"
                    + sealed.kekId() + "', which " + KEKS + " does not hold: add it back (with its old value) until "
                    + "the key is re-wrapped");
        }
        try {
            Base64.Decoder base64 = Base64.getDecoder();
            Cipher cipher = Cipher.getInstance(CIPHER);
            cipher.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(TAG_BITS, base64.decode(sealed.iv())));
            cipher.updateAAD(associatedData(id, kid));
            return new String(cipher.doFinal(base64.decode(sealed.ciphertext())), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("Signing key " + kid + " does not decrypt with key-encryption key '"
                    + sealed.kekId() + "': " + KEKS + " holds another key under that id, or the stored key was altered");
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("Stored signing key " + kid + " is not a valid AES-256-GCM envelope");
        }
    }

    /** Whether {@code sealed} is wrapped with the current KEK already (null: stored in plain text). */
    boolean isCurrent(SealedJwk sealed) {
        return sealed != null && current.equals(sealed.kekId());
    }

    private static byte[] associatedData(String id, String kid) {
        return ("parley signing key " + id + " " + kid).getBytes(StandardCharsets.UTF_8);
    }

    /** Parses {@code id:base64,...}; each message names the setting and the entry, never its value. */
    private static Map<String, SecretKey> parse(String keks) {
        Map<String, SecretKey> parsed = new LinkedHashMap<>();
        if (keks == null || keks.isBlank()) {
            return parsed;
        }
        String[] entries = keks.split(",");
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].strip();
            int colon = entry.indexOf(':');
            String where = KEKS + ", entry " + (i + 1);
            if (colon < 0) {
                throw new IllegalStateException(where + " is not id:base64-key");
            }
            String id = entry.substring(0, colon).strip();
            if (!ID.matcher(id).matches()) {
                throw new IllegalStateException(where + ": the id must be 1 to 64 letters, digits, '.', '_' or '-'");
            }
            where = KEKS + ", entry " + (i + 1) + " (id '" + id + "')";
            if (id.equals(DEVELOPMENT_ID)) {
                throw new IllegalStateException(where + ": the id is reserved for the built-in development key");
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(entry.substring(colon + 1).strip());
            } catch (IllegalArgumentException e) {
                // the decoder's message quotes the offending character of the key: not passed on
                throw new IllegalStateException(where + " is not valid base64");
            }
            if (key.length != KEY_BYTES) {
                throw new IllegalStateException(where + " is " + key.length + " bytes; an AES-256 key is " + KEY_BYTES);
            }
            if (parsed.put(id, new SecretKeySpec(key, "AES")) != null) {
                throw new IllegalStateException(where + ": the id appears more than once");
            }
        }
        return parsed;
    }

    private static String currentOf(Map<String, SecretKey> configured, String currentKek) {
        if (currentKek == null || currentKek.isBlank()) {
            if (configured.size() == 1) {
                return configured.keySet().iterator().next();
            }
            throw new IllegalStateException(CURRENT + " is not set: with several key-encryption keys it must name the "
                    + "one that wraps new keys");
        }
        String id = currentKek.strip();
        if (!configured.containsKey(id)) {
            throw new IllegalStateException(CURRENT + " names '" + id + "', which " + KEKS + " does not hold");
        }
        return id;
    }

    private static SecretKey developmentKey() {
        try {
            byte[] key = MessageDigest.getInstance("SHA-256")
                    .digest("parley development key-encryption key: not a secret".getBytes(StandardCharsets.UTF_8));
            return new SecretKeySpec(key, "AES");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
