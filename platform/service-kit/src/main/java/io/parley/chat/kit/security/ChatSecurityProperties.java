package io.parley.chat.kit.security;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * How every service validates access tokens: against auth-service's JWKS, with the
 * issuer, audience and algorithm pinned, and a small clock skew.
 *
 * @param jwksUri     where auth-service publishes its public keys
 * @param issuer      the {@code iss} every token must carry
 * @param audience    the {@code aud} every token must include
 * @param clockSkew   tolerated clock difference for {@code exp} and {@code nbf}
 * @param publicPaths paths (Ant patterns) that need no token, besides health and metrics
 */
@Validated
@ConfigurationProperties("chat.security")
public record ChatSecurityProperties(
        @NotNull @DefaultValue("http://localhost:8081/.well-known/jwks.json") URI jwksUri,
        @NotBlank @DefaultValue("parley") String issuer,
        @NotBlank @DefaultValue("parley-chat") String audience,
        @NotNull @DefaultValue("30s") Duration clockSkew,
        @DefaultValue({}) List<String> publicPaths) {
}
