package io.parley.chat.auth.config;

import java.time.Duration;

import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.parley.chat.auth.account.AccountService;
import io.parley.chat.auth.account.persistence.LoginAttemptRepository;
import io.parley.chat.auth.account.persistence.UserRepository;
import io.parley.chat.auth.tenant.TenantService;
import io.parley.chat.auth.token.SigningKeyService;
import io.parley.chat.auth.token.persistence.RefreshTokenRepository;
import io.parley.chat.auth.token.persistence.RevocationRepository;
import reactor.core.publisher.Mono;

@Configuration(proxyBeanMethods = false)
class StartupConfiguration {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /**
     * Indexes, configured tenants and the signing key (every stored key wrapped with the
     * current key-encryption key), before the service reports ready
     * (Boot marks readiness only after the runners). The unique username index must exist
     * before the first sign-up: it is what turns a concurrent duplicate into a 409.
     * Blocking is right here: this is startup, not a request, and a replica that cannot
     * reach Mongo should fail and be restarted rather than serve without these.
     */
    @Bean
    ApplicationRunner prepareStore(UserRepository users, RefreshTokenRepository refreshTokens, TenantService tenants,
                                   LoginAttemptRepository loginAttempts, RevocationRepository revocations,
                                   SigningKeyService signingKeys, AccountService accounts, AuthProperties properties) {
        var admin = properties.platformAdmin();
        return args -> Mono.when(users.createIndexes(), refreshTokens.createIndexes(), loginAttempts.createIndexes(),
                        revocations.createIndexes())
                .then(tenants.seed(properties.tenants()))
                .then(admin.enabled()
                        ? accounts.seedPlatformAdmin(admin.tenant(), admin.username(), admin.password())
                        : Mono.empty())
                // an upgrade from plain-text keys, or a new current KEK: wrap before anything signs
                .then(signingKeys.wrapWithCurrentKek())
                .then(signingKeys.activeKey())
                .block(TIMEOUT);
    }
}
