package io.parley.chat.auth.account;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import org.springframework.stereotype.Component;

import io.parley.chat.auth.account.persistence.LoginAttemptRepository;
import io.parley.chat.auth.config.AuthProperties;
import io.parley.chat.auth.config.AuthProperties.LoginLimits;
import reactor.core.publisher.Mono;

/**
 * Limits failed logins per account and per client address in fixed windows kept in Mongo.
 *
 * <p>Every attempt is counted before the password is checked and given back when it
 * succeeds. Counting first is what makes the limit exact under concurrency: a burst of a
 * hundred parallel guesses is counted a hundred times before any BCrypt runs, and the ones
 * over the limit never cost a hash. Giving back on success means that only failures use
 * up the allowance, so a busy user (or a benchmark) logging in often is never throttled.
 */
@Component
class LoginThrottle {

    private final LoginAttemptRepository attempts;
    private final LoginLimits limits;

    LoginThrottle(LoginAttemptRepository attempts, AuthProperties properties) {
        this.attempts = attempts;
        this.limits = properties.loginLimits();
    }

    /**
     * Runs {@code login} unless a limit is used up, in which case it fails with
     * {@link TooManyLoginAttempts}. A null {@code clientAddress} (not known) skips the address limit.
     */
    <T> Mono<T> guard(String tenantSlug, String usernameKey, String clientAddress, Supplier<Mono<T>> login) {
        Instant now = Instant.now();
        long windowSeconds = limits.window().toSeconds();
        long window = now.getEpochSecond() / windowSeconds;
        Instant windowEnd = Instant.ofEpochSecond((window + 1) * windowSeconds);
        // The window number in the id starts each window at zero; the TTL index removes old ones.
        String account = "acct:" + window + ":" + tenantSlug + "/" + usernameKey;
        String address = clientAddress == null ? null : "addr:" + window + ":" + clientAddress;
        Instant expiresAt = windowEnd.plus(limits.window());
        Mono<Long> addressCount = address == null ? Mono.just(0L) : attempts.add(address, 1, expiresAt);
        return Mono.zip(attempts.add(account, 1, expiresAt), addressCount)
                .flatMap(counts -> counts.getT1() > limits.perAccount() || counts.getT2() > limits.perAddress()
                        ? Mono.<T>error(new TooManyLoginAttempts(retryAfter(now, windowEnd)))
                        : login.get().flatMap(result -> Mono.when(attempts.add(account, -1, expiresAt),
                                address == null ? Mono.empty() : attempts.add(address, -1, expiresAt))
                                .thenReturn(result)));
    }

    private static Duration retryAfter(Instant now, Instant windowEnd) {
        long seconds = Math.max(1, Duration.between(now, windowEnd).toSeconds() + 1);
        return Duration.ofSeconds(seconds);
    }
}
