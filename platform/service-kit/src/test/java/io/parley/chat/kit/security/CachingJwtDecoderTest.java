package io.parley.chat.kit.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;

import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class CachingJwtDecoderTest {

    private final AtomicInteger verifications = new AtomicInteger();

    @Test
    void verifiesATokenOnceAndAnswersRepeatsFromMemory() {
        CachingJwtDecoder decoder = new CachingJwtDecoder(token -> {
            verifications.incrementAndGet();
            return Mono.just(jwt(token, Instant.now().plusSeconds(600)));
        }, Duration.ofSeconds(30));
        for (int i = 0; i < 5; i++) {
            StepVerifier.create(decoder.decode("t1")).expectNextMatches(j -> j.getTokenValue().equals("t1")).verifyComplete();
        }
        StepVerifier.create(decoder.decode("t2")).expectNextCount(1).verifyComplete();
        assertThat(verifications).hasValue(2);
    }

    @Test
    void neverRemembersAFailureAndRechecksExpiryOnEveryHit() {
        AtomicInteger calls = new AtomicInteger();
        CachingJwtDecoder decoder = new CachingJwtDecoder(token -> calls.incrementAndGet() == 1
                ? Mono.error(new BadJwtException("bad signature"))
                : Mono.just(jwt(token, Instant.now().minusSeconds(120))), Duration.ofSeconds(30));
        StepVerifier.create(decoder.decode("t")).expectError(BadJwtException.class).verify();
        // verified once, but already expired beyond the skew: the cached copy is not served
        StepVerifier.create(decoder.decode("t")).expectNextCount(1).verifyComplete();
        StepVerifier.create(decoder.decode("t")).expectNextCount(1).verifyComplete();
        assertThat(calls).hasValue(3);
    }

    @Test
    void tokensVerifiedTogetherAreNotAllVerifiedAgainTogether() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        CachingJwtDecoder decoder = new CachingJwtDecoder(token -> {
            verifications.incrementAndGet();
            return Mono.just(jwt(token, Instant.now().plusSeconds(600)));
        }, Duration.ofSeconds(30), now::get);
        int tokens = 200;
        Runnable decodeAll = () -> {
            for (int i = 0; i < tokens; i++) {
                StepVerifier.create(decoder.decode("t" + i)).expectNextCount(1).verifyComplete();
            }
        };
        decodeAll.run();
        assertThat(verifications).hasValue(tokens);

        // within 75 % of the TTL every token is still remembered
        now.set(CachingJwtDecoder.TTL.toNanos() * 3 / 4 - 1);
        decodeAll.run();
        assertThat(verifications).hasValue(tokens);

        // between 75 % and the TTL some have expired and some have not (random lifetimes: the
        // chance that 200 of them fall on one side of the midpoint is below 1e-50)
        now.set(CachingJwtDecoder.TTL.toNanos() * 7 / 8);
        decodeAll.run();
        assertThat(verifications.get()).isGreaterThan(tokens).isLessThan(2 * tokens);

        // and past the TTL none is served from memory
        int before = verifications.get();
        now.set(CachingJwtDecoder.TTL.toNanos() * 7 / 8 + CachingJwtDecoder.TTL.toNanos() + 1);
        decodeAll.run();
        assertThat(verifications.get() - before).isEqualTo(tokens);
    }

    private static Jwt jwt(String token, Instant expiresAt) {
        return Jwt.withTokenValue(token).header("alg", "ES256").subject("u").issuedAt(expiresAt.minusSeconds(900))
                .expiresAt(expiresAt).build();
    }

}
