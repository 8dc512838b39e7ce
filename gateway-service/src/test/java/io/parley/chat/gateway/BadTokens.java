package io.parley.chat.gateway;

import java.time.Duration;
import java.time.Instant;

import com.nimbusds.jwt.JWTClaimsSet;

import io.parley.chat.testkit.TestInfrastructure;
import io.parley.chat.testkit.TestTokens;

/** Tokens that are wrong in exactly one way, signed like the real ones unless the point is the key. */
final class BadTokens {

    private BadTokens() {
    }

    static String expired(String userId) {
        return TestInfrastructure.tokens().sign(
                TestTokens.claims(userId, "acme", Instant.now().minus(Duration.ofHours(2)), Duration.ofMinutes(15)).build());
    }

    static String signedByForeignKey(String userId) {
        return TestTokens.sign(TestTokens.generateKey(),
                TestTokens.claims(userId, "acme", Instant.now(), Duration.ofMinutes(15)).build());
    }

    static String forOtherAudience(String userId) {
        JWTClaimsSet claims = TestTokens.claims(userId, "acme", Instant.now(), Duration.ofMinutes(15))
                .audience("some-other-api").build();
        return TestInfrastructure.tokens().sign(claims);
    }
}
