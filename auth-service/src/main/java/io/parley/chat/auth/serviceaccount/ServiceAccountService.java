package io.parley.chat.auth.serviceaccount;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import org.springframework.stereotype.Service;

import io.parley.chat.auth.NotAllowed;
import io.parley.chat.auth.Roles;
import io.parley.chat.auth.serviceaccount.persistence.ServiceAccountDocument;
import io.parley.chat.auth.serviceaccount.persistence.ServiceAccountRepository;
import io.parley.chat.auth.token.AccessToken;
import io.parley.chat.auth.token.AccessTokenService;
import io.parley.chat.auth.token.TokenSubject;
import io.parley.chat.kit.security.ChatPrincipal;
import reactor.core.publisher.Mono;

/**
 * Service accounts for integrations and bots: a client id and secret that a tenant admin
 * creates, exchanged for an access token with the {@code service} role (OAuth 2.0 client
 * credentials). The secret is 256 random bits, so a single SHA-256 is enough to store it:
 * there is nothing to guess, unlike a password, and checking it costs microseconds rather
 * than a BCrypt hash per token request.
 */
@Service
public class ServiceAccountService {

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final ServiceAccountRepository accounts;
    private final AccessTokenService accessTokens;
    private final SecureRandom random = new SecureRandom();

    ServiceAccountService(ServiceAccountRepository accounts, AccessTokenService accessTokens) {
        this.accounts = accounts;
        this.accessTokens = accessTokens;
    }

    public Mono<ServiceCredentials> create(ChatPrincipal caller, String name) {
        if (!caller.hasRole(Roles.ADMIN)) {
            return Mono.error(new NotAllowed(Roles.ADMIN));
        }
        String clientId = "svc-" + UUID.randomUUID();
        String secret = newSecret();
        var document = new ServiceAccountDocument(clientId, caller.tenantId(), name.strip(), hash(secret), false,
                Instant.now());
        return accounts.insert(document)
                .map(saved -> new ServiceCredentials(clientId, secret, saved.name(), saved.tenantId()));
    }

    public Mono<AccessToken> token(String clientId, String clientSecret) {
        return accounts.findById(clientId)
                .filter(account -> !account.disabled() && MessageDigest.isEqual(
                        account.secretHash().getBytes(StandardCharsets.US_ASCII),
                        hash(clientSecret).getBytes(StandardCharsets.US_ASCII)))
                .switchIfEmpty(Mono.error(InvalidClient::new))
                .flatMap(account -> accessTokens.issue(
                        new TokenSubject(account.clientId(), account.tenantId(), account.name(), List.of(Roles.SERVICE))));
    }

    private String newSecret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }

    private static String hash(String secret) {
        try {
            return BASE64URL.encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
