package io.parley.chat.auth.config;

import java.time.Duration;
import java.util.List;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * What auth-service issues and whom it lets in.
 *
 * @param tenants          tenants created at startup when missing (existing ones are left as they are)
 * @param accessTokenTtl   lifetime of an access token; short, because a JWT cannot be revoked
 * @param refreshTokenTtl  lifetime of one refresh token; each use replaces it with a fresh one
 * @param bcryptStrength   BCrypt cost factor (log2 of the rounds)
 * @param platformAdmin    the first platform admin, created at startup when a password is given
 * @param loginLimits      how failed logins are slowed down and refused, per account and client address
 * @param keys             when signing keys rotate
 */
@Validated
@ConfigurationProperties("chat.auth")
public record AuthProperties(
        @Valid @DefaultValue({}) List<TenantSeed> tenants,
        @NotNull @DefaultValue("15m") Duration accessTokenTtl,
        @NotNull @DefaultValue("30d") Duration refreshTokenTtl,
        // 11 took about 110 ms per hash on the project's 2-core machines (10: 55 ms, 12: 260 ms).
        // OWASP's floor is 10; 11 doubles an attacker's cost over that while a login stays well
        // under a quarter second, where 12 would cap a 2-core replica at about 8 logins a second.
        @Min(10) @Max(16) @DefaultValue("11") int bcryptStrength,
        @Valid @DefaultValue PlatformAdminSeed platformAdmin,
        @Valid @DefaultValue LoginLimits loginLimits,
        @Valid @DefaultValue Keys keys) {

    /** A tenant to create at startup; the slug is what users type, the generated id is what tokens carry. */
    public record TenantSeed(
            @NotBlank @Size(max = 64) @Pattern(regexp = "[a-z0-9][a-z0-9-]*") String slug,
            @NotBlank @Size(max = 128) String name,
            @DefaultValue("false") boolean openSignup) {
    }

    /**
     * The bootstrap platform admin: the one account that can create tenants before any
     * exists. Created once when {@code password} is set (from the environment, never the
     * repository) and left alone afterwards, so changing the variable does not reset it.
     */
    public record PlatformAdminSeed(
            @NotBlank @DefaultValue("default") String tenant,
            @NotBlank @DefaultValue("platform-admin") String username,
            @DefaultValue("") String password) {

        public boolean enabled() {
            return password != null && !password.isBlank();
        }

        /** Never the password: a record's own toString would print it wherever the properties are logged. */
        @Override
        public String toString() {
            return "PlatformAdminSeed[tenant=" + tenant + ", username=" + username + ", password=" + (enabled() ? "(set)"
                    : "(none)") + "]";
        }
    }

    /**
     * Failed logins, counted in sliding windows of {@code window} (estimated from the current
     * fixed window plus the fading share of the previous one).
     *
     * <p>Per tenant, account and client address together: the first {@code delayAfter}
     * failures are answered at once; each attempt after them waits {@code firstDelay},
     * doubling with every further failure up to {@code maxDelay}, before its password is
     * checked; past {@code perAccountAndAddress} failures the address is refused for that
     * account (429, {@code Retry-After}) until its failures fade out of the window. A success
     * clears the count of that account and address. Keyed to the address as well, so a
     * stranger who sends wrong passwords for a known username slows down and locks out
     * only himself, never the user logging in from elsewhere.
     *
     * <p>Per client address across accounts, {@code perAddress} failures: one client spraying
     * many usernames.
     *
     * @param trustedProxies a regular expression of the remote addresses (the gateway's) whose
     *                       {@code X-Forwarded-For} names the client; loopback by default, for the local run
     */
    public record LoginLimits(
            @Min(1) @DefaultValue("10") int perAccountAndAddress,
            @Min(0) @DefaultValue("3") int delayAfter,
            @NotNull @DurationMin(millis = 1) @DefaultValue("1s") Duration firstDelay,
            // below the gateway's response timeout for auth (AUTH_RESPONSE_TIMEOUT_MS, 10 s) plus a
            // BCrypt check: a delayed answer must not become a 504 that counts against the route's breaker
            @NotNull @DurationMax(seconds = 8) @DefaultValue("8s") Duration maxDelay,
            @Min(1) @DefaultValue("50") int perAddress,
            @NotNull @DurationMin(seconds = 1) @DefaultValue("5m") Duration window,
            @NotBlank @DefaultValue("127\\.0\\.0\\.1|0:0:0:0:0:0:0:1|::1") String trustedProxies) {

        @AssertTrue(message = "chat.auth.login-limits.first-delay must not be longer than chat.auth.login-limits.max-delay")
        public boolean isFirstDelayWithinMax() {
            return firstDelay == null || maxDelay == null || firstDelay.compareTo(maxDelay) <= 0;
        }

        /**
         * How long the attempt that makes {@code failures} (this one included) for one account
         * and address waits before its password is checked: nothing for the first
         * {@code delayAfter}, then {@code firstDelay}, doubled for each further one, at most {@code maxDelay}.
         */
        public Duration delayOf(long failures) {
            long beyond = failures - delayAfter;
            if (beyond <= 0) {
                return Duration.ZERO;
            }
            // stops doubling at maxDelay (at most 8 s), so a long run of failures cannot overflow
            Duration delay = firstDelay;
            for (long i = 1; i < beyond && delay.compareTo(maxDelay) < 0; i++) {
                delay = delay.multipliedBy(2);
            }
            return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
        }
    }

    /**
     * @param rotateEvery     age at which the newest signing key is replaced
     * @param checkEvery      how often each replica checks whether a rotation is due
     * @param activationDelay how long a new key is published before it signs; at least the
     *                        key reload period (5 min) plus the JWKS cache age (5 min), so that
     *                        every replica and verifier knows it first. Zero only in tests.
     * @param encryption      the key-encryption keys that wrap the private keys stored in Mongo
     */
    public record Keys(
            @NotNull @DefaultValue("30d") Duration rotateEvery,
            @NotNull @DefaultValue("1h") Duration checkEvery,
            @NotNull @DefaultValue("10m") Duration activationDelay,
            @NotNull @DefaultValue KeyEncryption encryption) {
    }

    /**
     * Envelope encryption of the stored signing keys: each private key is encrypted with
     * AES-256-GCM under a key-encryption key (KEK) that lives outside the database (an
     * environment variable fed from a Kubernetes Secret), so a dump of Mongo does not yield
     * the power to mint tokens. Checked, without ever echoing a key, by
     * {@code KeyEncryptionKeys} at startup.
     *
     * @param keks                 {@code id:base64} entries, comma-separated; each key is 32 random bytes
     *                             (for instance {@code openssl rand -base64 32}); keys wrapped with any of
     *                             them load
     * @param currentKek           the id of the KEK that wraps new keys, and to which the others are
     *                             re-wrapped at startup; may be left empty when there is one KEK
     * @param allowDevelopmentKek  whether, with no {@code keks}, the built-in development KEK (public in
     *                             this source, logged as such) may be used: the local run and the tests;
     *                             k8s prod sets it false, so a missing KEK stops startup
     */
    public record KeyEncryption(
            @DefaultValue("") String keks,
            @DefaultValue("") String currentKek,
            @DefaultValue("false") boolean allowDevelopmentKek) {

        /** Never prints the keys. */
        @Override
        public String toString() {
            return "KeyEncryption[keks=(hidden), currentKek=" + currentKek + ", allowDevelopmentKek=" + allowDevelopmentKek
                    + "]";
        }
    }
}
