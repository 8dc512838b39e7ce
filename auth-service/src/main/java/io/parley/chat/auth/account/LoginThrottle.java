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
 * Limits failed logins per account and per client address in sliding windows, estimated
 * from fixed-window counters kept in Mongo.
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
        long windowMillis = limits.window().toMillis();
        long window = now.toEpochMilli() / windowMillis;
        Instant windowEnd = Instant.ofEpochMilli((window + 1) * windowMillis);
        // What is left of the previous window still counts, in proportion to how much of the
        // window it still covers (a sliding window estimated from two fixed ones): a burst
        // that straddles a window boundary is not forgiven half-way through.
        double previousShare = 1.0 - (double) (now.toEpochMilli() - window * windowMillis) / windowMillis;
        String account = tenantSlug + "/" + usernameKey;
        Instant expiresAt = windowEnd.plus(limits.window());
        Mono<Count> accountCount = counted("acct", account, window, previousShare, expiresAt);
        Mono<Count> addressCount = clientAddress == null ? Mono.just(Count.NONE)
                : counted("addr", clientAddress, window, previousShare, expiresAt);
        return Mono.zip(accountCount, addressCount)
                .flatMap(counts -> {
                    Duration accountWait = counts.getT1().waitBeyond(limits.perAccount(), now, windowEnd, limits.window());
                    Duration addressWait = counts.getT2().waitBeyond(limits.perAddress(), now, windowEnd, limits.window());
                    Duration wait = accountWait.compareTo(addressWait) >= 0 ? accountWait : addressWait;
                    return wait.isZero() ? login.get().flatMap(result -> giveBack(account, clientAddress, window, expiresAt)
                            .thenReturn(result)) : Mono.<T>error(new TooManyLoginAttempts(wait));
                });
    }

    private Mono<Void> giveBack(String account, String clientAddress, long window, Instant expiresAt) {
        return Mono.when(attempts.add(key("acct", window, account), -1, expiresAt),
                clientAddress == null ? Mono.empty() : attempts.add(key("addr", window, clientAddress), -1, expiresAt));
    }

    /** Counts this attempt in the current window and adds the previous window's remaining share. */
    private Mono<Count> counted(String kind, String subject, long window, double previousShare, Instant expiresAt) {
        return Mono.zip(attempts.add(key(kind, window, subject), 1, expiresAt),
                        attempts.count(key(kind, window - 1, subject)))
                .map(counts -> new Count(counts.getT1(), counts.getT1() + (long) Math.ceil(counts.getT2() * previousShare)));
    }

    /** Attempts in the current window, and the sliding estimate that includes the previous one's share. */
    private record Count(long current, long estimate) {

        static final Count NONE = new Count(0, 0);

        /**
         * Zero when within {@code limit}; otherwise how long until an attempt would be: by
         * the window's end if this window alone is under the limit, else once enough of the
         * next window has passed for this window's share to drop below it.
         */
        Duration waitBeyond(int limit, Instant now, Instant windowEnd, Duration window) {
            if (estimate <= limit) {
                return Duration.ZERO;
            }
            Duration wait = Duration.between(now, windowEnd);
            if (current >= limit) {
                double share = 1.0 - (double) (limit - 1) / current;
                wait = wait.plusMillis((long) Math.ceil(window.toMillis() * share));
            }
            return Duration.ofSeconds(Math.max(1, wait.toSeconds() + 1)); // whole seconds, rounded up
        }
    }

    /** The window number in the id starts each window at zero; the TTL index removes old ones. */
    private static String key(String kind, long window, String subject) {
        return kind + ":" + window + ":" + subject;
    }
}
