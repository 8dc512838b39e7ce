package io.parley.chat.auth.config;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import io.parley.chat.auth.token.SigningKeyService;
import io.parley.chat.kit.security.ChatSecurityAutoConfiguration;
import io.parley.chat.kit.security.ChatSecurityProperties;
import io.parley.chat.kit.security.RevokedSessions;

@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    /**
     * Verifies tokens against this service's own keys rather than over HTTP to its own
     * JWKS: no request to itself at startup or per cache miss, and a key is trusted here
     * the moment it is loaded. The claim checks are the ones every service applies.
     * The service-kit's JWKS-URI decoder backs off for this bean. Tokens of ended logins
     * are refused as everywhere ({@link RevokedSessions}, reading this service's own list).
     */
    @Bean
    ReactiveJwtDecoder jwtDecoder(SigningKeyService keys, ChatSecurityProperties properties, RevokedSessions revoked) {
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder
                .withJwkSource(jwt -> keys.verificationKeys(jwt.getHeader().getKeyID()))
                .jwsAlgorithm(SignatureAlgorithm.ES256)
                .build();
        decoder.setJwtValidator(ChatSecurityAutoConfiguration.tokenValidator(properties));
        return revoked.refusing(decoder);
    }
}
