package io.parley.chat.auth.account;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import io.parley.chat.auth.account.persistence.LoginAttemptRepository;
import io.parley.chat.auth.config.AuthProperties;
import io.parley.chat.auth.config.AuthProperties.LoginLimits;
import reactor.core.publisher.Mono;

/**
 * Slows down and then refuses failed logins per account and client address together, and
 * limits them per client address across accounts, in sliding windows estimated from
 * fixed-window counters kept in Mongo (shared by every replica).
 *
 * <p>Every attempt is counted before the password is checked. Counting first is what makes
 * the limits exact under concurrency: a burst of a hundred parallel guesses is counted a
 * hundred times before any BCrypt runs, so the ones past the threshold are refused at once
 * and the ones past {@code delay-after} each wait their own, longer delay. The delay comes
 * before the check, whatever the password, so how long an answer takes says nothing about
 * whether it was right. A success clears the account-and-address count (only failures
 * count) and gives its attempt back to the address's count.
 *
 * <p>Keyed to the account alone, the limit let anyone lock a known user out by sending
 * wrong passwords; keyed to the account and the address, the sender only slows down and
 * locks out himself. A client whose address cannot be told (a trusted proxy that forwards
 * none) is counted under one "unknown" address per account, which is the old per-account
 * limit for those clients only: the gateway always forwards the address it resolved.
 */
@Component
class LoginThrottle {

    private static final String UNKNOWN_ADDRESS = "unknown";

    private final LoginAttemptRepository attempts;
    private final LoginLimits limits;
    private final Counter delayed;
    private final Counter refusedForAccount;
    private final Counter refusedForAddress;

    LoginThrottle(LoginAttemptRepository attempts, AuthProperties properties, MeterRegistry meters) {
        this.attempts = attempts;
        this.limits = properties.loginLimits();
        this.delayed = throttled(meters, "delayed", "account_address");
        this.refusedForAccount = throttled(meters, "refused", "account_address");
        this.refusedForAddress = throttled(meters, "refused", "address");
    }

    /** {@code chat_auth_logins_throttled_total{outcome,limit}}: what an SRE watches for a guessing attack. */
    private static Counter throttled(MeterRegistry meters, String outcome, String limit) {
        return Counter.builder("chat.auth.logins.throttled")
                .description("Login attempts slowed down (delayed) or refused (429) by the login limits, by the limit"
                        + " that decided: one account from one address, or one address across accounts")
                .tag("outcome", outcome)
                .tag("limit", limit)
                .register(meters);
    }

    /**
     * Runs {@code login} after the delay its account and address have earned, unless a limit
     * is used up, in which case it fails with {@link TooManyLoginAttempts}. A null
     * {@code clientAddress} (not known) skips the address limit.
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
        String pair = tenantSlug + "/" + usernameKey + "@" + (clientAddress == null ? UNKNOWN_ADDRESS : clientAddress);
        Instant expiresAt = windowEnd.plus(limits.window());
        Mono<Count> pairCount = counted("pair", pair, window, previousShare, expiresAt);
        Mono<Count> addressCount = clientAddress == null ? Mono.just(Count.NONE)
                : counted("addr", clientAddress, window, previousShare, expiresAt);
        return Mono.zip(pairCount, addressCount)
                .flatMap(counts -> {
                    Duration pairWait = counts.getT1().waitBeyond(limits.perAccountAndAddress(), now, windowEnd,
                            limits.window());
                    Duration addressWait = counts.getT2().waitBeyond(limits.perAddress(), now, windowEnd, limits.window());
                    Duration wait = pairWait.compareTo(addressWait) >= 0 ? pairWait : addressWait;
                    if (!wait.isZero()) {
                        (pairWait.isZero() ? refusedForAddress : refusedForAccount).increment();
                        return Mono.<T>error(new TooManyLoginAttempts(wait));
                    }
                    Duration delay = limits.delayOf(counts.getT1().estimate());
                    if (!delay.isZero()) {
                        delayed.increment();
                    }
                    return after(delay, login)
                            .flatMap(result -> succeeded(pair, clientAddress, window, expiresAt).thenReturn(result));
                });
    }

    private static <T> Mono<T> after(Duration delay, Supplier<Mono<T>> login) {
        return delay.isZero() ? login.get() : Mono.delay(delay).then(Mono.defer(login));
    }

    /** Only failures count: the pair starts again from zero, the address gets this attempt back. */
    private Mono<Void> succeeded(String pair, String clientAddress, long window, Instant expiresAt) {
        return Mono.when(attempts.delete(List.of(key("pair", window, pair), key("pair", window - 1, pair))),
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
