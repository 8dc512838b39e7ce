package io.parley.chat.auth.account;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.parley.chat.auth.config.AuthProperties;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class PasswordHasherTest {

    // Cost 4 keeps the unit test fast; the service's floor is 10, enforced when binding configuration.
    private final PasswordHasher hasher = new PasswordHasher(
            new AuthProperties(List.of(), Duration.ofMinutes(15), Duration.ofDays(30), 4, null, null, null));

    @Test
    void matchesOnlyTheHashedPassword() {
        String hash = hasher.hash("correct horse").block(Duration.ofSeconds(10));
        StepVerifier.create(hasher.matches("correct horse", hash)).expectNext(true).verifyComplete();
        StepVerifier.create(hasher.matches("correct horsE", hash)).expectNext(false).verifyComplete();
    }

    @Test
    void aMissingHashNeverMatches() {
        StepVerifier.create(hasher.matches("anything", null)).expectNext(false).verifyComplete();
    }

    @Test
    void everyCharacterOfALongPasswordCounts() {
        String base = "\u00e9".repeat(127);
        String hash = hasher.hash(base + "a").block(Duration.ofSeconds(10));
        StepVerifier.create(hasher.matches(base + "b", hash)).expectNext(false).verifyComplete();
    }

    @Test
    void hashingRunsOffTheCallersThread() {
        StepVerifier.create(hasher.hash("on another thread").then(Mono.fromCallable(() -> Thread.currentThread().getName())))
                .expectNextMatches(thread -> thread.startsWith("boundedElastic"))
                .verifyComplete();
        StepVerifier.create(hasher.matches("x", null).map(ignored -> Thread.currentThread().getName()))
                .expectNextMatches(thread -> thread.startsWith("boundedElastic"))
                .verifyComplete();
    }
}
