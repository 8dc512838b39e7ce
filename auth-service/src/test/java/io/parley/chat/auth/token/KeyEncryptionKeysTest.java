package io.parley.chat.auth.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.parley.chat.auth.config.AuthProperties;
import io.parley.chat.auth.token.persistence.SealedJwk;

/** AES-256-GCM under KEKs by id, and the checks of the settings, none of which may show a key. */
@ExtendWith(OutputCaptureExtension.class)
class KeyEncryptionKeysTest {

    private static final String JWK = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"d\":\"private-part\",\"kid\":\"k1\"}";
    private static final String OLD = randomKey();
    private static final String NEW = randomKey();

    @Test
    void aSealedKeyOpensOnlyWithItsKekAndOnlyForTheDocumentItWasSealedFor() {
        KeyEncryptionKeys keks = keks("old:" + OLD, "", false);
        SealedJwk sealed = keks.seal("gen-1", "k1", JWK);

        assertThat(sealed.kekId()).isEqualTo("old");
        assertThat(new String(Base64.getDecoder().decode(sealed.ciphertext()))).doesNotContain("private-part");
        assertThat(keks.seal("gen-1", "k1", JWK)).as("a fresh nonce every time").isNotEqualTo(sealed);
        assertThat(keks.open("gen-1", "k1", sealed)).isEqualTo(JWK);
        assertThatThrownBy(() -> keks.open("gen-2", "k1", sealed)).as("moved to another document")
                .hasMessageContaining("does not decrypt with key-encryption key 'old'");
        assertThatThrownBy(() -> keks("old:" + NEW, "", false).open("gen-1", "k1", sealed))
                .as("another key under the same id")
                .hasMessageContaining("does not decrypt with key-encryption key 'old'")
                .hasMessageNotContaining(NEW);
    }

    @Test
    void afterAKekRotationKeysOfTheOldOneStillOpenAndNewOnesAreWrappedWithTheCurrent() {
        SealedJwk underOld = keks("old:" + OLD, "", false).seal("gen-1", "k1", JWK);
        KeyEncryptionKeys rotated = keks("new:" + NEW + ", old:" + OLD, "new", false);

        assertThat(rotated.open("gen-1", "k1", underOld)).isEqualTo(JWK);
        assertThat(rotated.isCurrent(underOld)).isFalse();
        assertThat(rotated.isCurrent(null)).as("plain text").isFalse();
        SealedJwk underNew = rotated.seal("gen-1", "k1", JWK);
        assertThat(rotated.isCurrent(underNew)).isTrue();

        assertThatThrownBy(() -> keks("new:" + NEW, "", false).open("gen-1", "k1", underOld))
                .hasMessageContaining("wrapped with key-encryption key 'old'")
                .hasMessageContaining("chat.auth.keys.encryption.keks");
    }

    @Test
    void withoutKeksTheDevelopmentKekIsUsedOnlyWhenAllowedAndSaidLoudly(CapturedOutput output) {
        KeyEncryptionKeys development = keks("", "", true);
        assertThat(development.currentId()).isEqualTo(KeyEncryptionKeys.DEVELOPMENT_ID);
        assertThat(output.getOut()).contains("built-in DEVELOPMENT key-encryption key");
        // keys wrapped with it before a real KEK was configured still open, to be re-wrapped
        SealedJwk sealed = development.seal("active", "k1", JWK);
        assertThat(keks("prod:" + NEW, "", true).open("active", "k1", sealed)).isEqualTo(JWK);

        assertThatThrownBy(() -> keks("", "", false))
                .hasMessageContaining("chat.auth.keys.encryption.keks (SIGNING_KEKS) is not set")
                .hasMessageContaining("allow-development-kek");
    }

    @Test
    void badSettingsStopStartupNamingTheSettingWithoutShowingAKey() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        Map<String, String> bad = Map.of(
                "just-a-key-" + OLD, "entry 1 is not id:base64-key",
                "a b:" + OLD, "entry 1: the id must be",
                "old:" + OLD + ",x:" + OLD.replace('A', '-').replace('a', '*') + "!", "entry 2 (id 'x') is not valid base64",
                "old:" + shortKey, "entry 1 (id 'old') is 16 bytes; an AES-256 key is 32",
                "old:" + OLD + ",old:" + NEW, "entry 2 (id 'old'): the id appears more than once",
                "development:" + OLD, "reserved for the built-in development key");
        bad.forEach((keks, message) -> assertThatThrownBy(() -> keks(keks, "", true))
                .hasMessageContaining("chat.auth.keys.encryption.keks (SIGNING_KEKS)")
                .hasMessageContaining(message)
                .hasMessageNotContaining(OLD).hasMessageNotContaining(NEW).hasMessageNotContaining(shortKey)
                .hasNoCause());

        assertThatThrownBy(() -> keks("old:" + OLD + ",new:" + NEW, "", false))
                .hasMessageContaining("chat.auth.keys.encryption.current-kek (SIGNING_KEK_ID) is not set");
        assertThatThrownBy(() -> keks("old:" + OLD, "newer", false))
                .hasMessageContaining("chat.auth.keys.encryption.current-kek (SIGNING_KEK_ID) names 'newer'")
                .hasMessageNotContaining(OLD);
    }

    @Test
    void theSettingsNeverPrintTheKeys() {
        AuthProperties properties = properties("old:" + OLD, "old", false);
        assertThat(properties.toString()).doesNotContain(OLD).contains("keks=(hidden)");
    }

    private static KeyEncryptionKeys keks(String keks, String current, boolean allowDevelopment) {
        return new KeyEncryptionKeys(properties(keks, current, allowDevelopment));
    }

    private static AuthProperties properties(String keks, String current, boolean allowDevelopment) {
        Map<String, String> settings = new HashMap<>();
        settings.put("chat.auth.keys.encryption.keks", keks);
        settings.put("chat.auth.keys.encryption.current-kek", current);
        settings.put("chat.auth.keys.encryption.allow-development-kek", Boolean.toString(allowDevelopment));
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("chat.auth", AuthProperties.class);
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
