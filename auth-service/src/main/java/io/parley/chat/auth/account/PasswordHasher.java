package io.parley.chat.auth.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Component;

import io.parley.chat.auth.config.AuthProperties;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * BCrypt over a SHA-256 pre-hash. BCrypt reads at most 72 bytes (Spring's encoder refuses
 * longer input) while passwords may be 128 characters, up to 512 UTF-8 bytes; the
 * base64 of the SHA-256 digest is 44 ASCII bytes, so every character counts, and being
 * base64 it has no NUL byte that would cut BCrypt's input short.
 *
 * <p>A hash costs about 0.1 s of CPU (see {@link AuthProperties#bcryptStrength()}), so it
 * runs on the bounded elastic scheduler, never on a Netty event loop, where it would
 * stall every other connection of that loop.
 */
@Component
class PasswordHasher {

    private final BCryptPasswordEncoder encoder;
    /** Compared against when the user does not exist, so that a miss costs what a hit costs. */
    private final String dummyHash;

    PasswordHasher(AuthProperties properties) {
        this.encoder = new BCryptPasswordEncoder(properties.bcryptStrength());
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.dummyHash = encoder.encode(preHash(Base64.getEncoder().encodeToString(random)));
    }

    Mono<String> hash(String password) {
        return Mono.fromCallable(() -> encoder.encode(preHash(password))).subscribeOn(Schedulers.boundedElastic());
    }

    /** Whether {@code password} matches {@code hash}; a null hash does the same work and answers false. */
    Mono<Boolean> matches(String password, String hash) {
        return Mono.fromCallable(() -> {
            boolean matches = encoder.matches(preHash(password), hash == null ? dummyHash : hash);
            return matches && hash != null;
        }).subscribeOn(Schedulers.boundedElastic());
    }

    private static String preHash(String password) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
