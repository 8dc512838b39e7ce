package io.parley.chat.auth.token;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.stereotype.Service;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jwt.JWTClaimsSet;

import io.parley.chat.auth.config.AuthProperties;
import io.parley.chat.contracts.events.SessionEvent;
import io.parley.chat.kit.security.ChatPrincipal;
import io.parley.chat.kit.security.ChatSecurityProperties;
import reactor.core.publisher.Mono;

/**
 * Mints the short-lived ES256 access tokens every service verifies against the JWKS.
 * Signing is one P-256 signature, well under a millisecond: it runs on the caller's thread.
 */
@Service
public class AccessTokenService {

    private final SigningKeyService keys;
    private final ChatSecurityProperties security;
    private final AuthProperties auth;

    AccessTokenService(SigningKeyService keys, ChatSecurityProperties security, AuthProperties auth) {
        this.keys = keys;
        this.security = security;
        this.auth = auth;
    }

    public Mono<AccessToken> issue(TokenSubject subject) {
        return keys.activeKey().map(key -> sign(key, subject));
    }

    private AccessToken sign(SigningKey key, TokenSubject subject) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
                .subject(subject.userId())
                .claim(ChatPrincipal.TENANT_CLAIM, subject.tenantId())
                .claim(ChatPrincipal.ROLES_CLAIM, List.copyOf(subject.roles()))
                .claim(ChatPrincipal.NAME_CLAIM, subject.name())
                .issuer(security.issuer())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(auth.accessTokenTtl())))
                .jwtID(UUID.randomUUID().toString());
        if (subject.sessionId() != null) {
            builder.claim(SessionEvent.SESSION_CLAIM, subject.sessionId());
        }
        JWTClaimsSet claims = builder.build();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(key.kid())
                .type(JOSEObjectType.JWT)
                .build();
        // Nimbus writes a one-element audience as a bare string; the contract is a list.
        Map<String, Object> payload = claims.toJSONObject();
        payload.put("aud", List.of(security.audience()));
        JWSObject jws = new JWSObject(header, new Payload(payload));
        try {
            jws.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("Signing an access token failed", e);
        }
        return new AccessToken(jws.serialize(), auth.accessTokenTtl());
    }
}
