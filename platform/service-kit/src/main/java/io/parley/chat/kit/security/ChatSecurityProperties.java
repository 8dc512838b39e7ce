package io.parley.chat.kit.security;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * How every service validates access tokens: against auth-service's JWKS, with the
 * issuer, audience and algorithm pinned, and a small clock skew.
 *
 * @param jwksUri     where auth-service publishes its public keys
 * @param jwks        how often those keys are read again, see {@link JwksKeys}
 * @param revocations where and how often the logins that ended are read, see {@link RevokedSessions}
 * @param issuer      the {@code iss} every token must carry
 * @param audience    the {@code aud} every token must include
 * @param clockSkew   tolerated clock difference for {@code exp} and {@code nbf}
 * @param publicPaths paths (Ant patterns) that need no token, besides health and metrics
 */
@Validated
@ConfigurationProperties("chat.security")
public record ChatSecurityProperties(
        @NotNull @DefaultValue("http://localhost:8081/.well-known/jwks.json") URI jwksUri,
        @Valid @NotNull @DefaultValue Jwks jwks,
        @Valid @NotNull @DefaultValue Revocations revocations,
        @NotBlank @DefaultValue("parley") String issuer,
        @NotBlank @DefaultValue("parley-chat") String audience,
        @NotNull @DefaultValue("30s") Duration clockSkew,
        @DefaultValue({}) List<String> publicPaths) {

    /**
     * @param uri       auth-service's list of ended logins ({@code /internal/v1/revocations}); unset, only
     *                  {@code SessionRevoked} events count (a service that consumes them)
     * @param pollEvery how often the list is read: a revocation takes effect within this (and one read)
     * @param remember  how long a revocation is kept; must exceed the access-token lifetime
     */
    public record Revocations(
            URI uri,
            @NotNull @DurationMin(seconds = 1) @DefaultValue("2s") Duration pollEvery,
            @NotNull @DurationMin(minutes = 1) @DefaultValue("30m") Duration remember) {
    }

    /**
     * @param refreshEvery  how often the JWKS is read again; a key auth-service stopped
     *                      publishing is refused at most this long plus
     *                      {@link CachingJwtDecoder#TTL} (and a few seconds) later
     * @param unknownKidGap how long after any read a token with an unknown {@code kid} may
     *                      cause another; until then such tokens are refused without one
     * @param maxStale      how long keys are still trusted when every read since the last
     *                      good one failed; after that no token verifies until a read succeeds
     */
    public record Jwks(
            @NotNull @DurationMin(seconds = 1) @DefaultValue("5m") Duration refreshEvery,
            @NotNull @DurationMin(seconds = 1) @DefaultValue("30s") Duration unknownKidGap,
            @NotNull @DefaultValue("1h") Duration maxStale) {

        @AssertTrue(message = "chat.security.jwks.unknown-kid-gap must not be longer than chat.security.jwks.refresh-every")
        public boolean isGapWithinRefresh() {
            return refreshEvery == null || unknownKidGap == null || unknownKidGap.compareTo(refreshEvery) <= 0;
        }

        @AssertTrue(message = "chat.security.jwks.max-stale must be longer than chat.security.jwks.refresh-every")
        public boolean isStaleAfterRefresh() {
            return refreshEvery == null || maxStale == null || maxStale.compareTo(refreshEvery) > 0;
        }
    }
}
