package io.parley.chat.auth.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.parley.chat.auth.AuthServiceTestBase;
import io.parley.chat.auth.token.persistence.SigningKeyDocument;
import io.parley.chat.testkit.TestTokens;

class AccessTokenIT extends AuthServiceTestBase {

    @Autowired
    KeyEncryptionKeys keks;

    @Test
    void accessTokenVerifiesAgainstTheServedJwks() throws Exception {
        RegisteredUser user = register();
        String accessToken = (String) login(user).get("accessToken");

        String jwksJson = client.get().uri("/.well-known/jwks.json").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectHeader().valueEquals("Cache-Control", "max-age=300, public")
                .expectBody(String.class).returnResult().getResponseBody();
        JWKSet jwks = JWKSet.parse(jwksJson);
        assertThat(jwksJson).doesNotContain("\"d\"");

        SignedJWT jwt = SignedJWT.parse(accessToken);
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        ECKey key = (ECKey) jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(key).as("JWKS key for kid %s", jwt.getHeader().getKeyID()).isNotNull();
        assertThat(key.isPrivate()).isFalse();
        assertThat(jwt.verify(new ECDSAVerifier(key))).isTrue();

        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo(user.id());
        assertThat(claims.getStringClaim("tid")).isEqualTo(user.tenantId())
                .isEqualTo(tenantDocument(OPEN_TENANT).getString("_id"))
                .isNotEqualTo(OPEN_TENANT);
        assertThat(claims.getStringListClaim("roles")).containsExactly("member");
        assertThat(claims.getStringClaim("name")).isEqualTo(user.displayName());
        assertThat(claims.getIssuer()).isEqualTo("parley");
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()))
                .isEqualTo(Duration.ofMinutes(15));
        assertThat(claims.getIssueTime().toInstant()).isCloseTo(Instant.now(), org.assertj.core.api.Assertions.within(
                60, java.time.temporal.ChronoUnit.SECONDS));
        // The contract says a list, even with one audience.
        Map<String, Object> payload = JSONObjectUtils.parse(jwt.getPayload().toString());
        assertThat(payload.get("aud")).isEqualTo(List.of("parley-chat"));
    }

    @Test
    void everyLoginGetsItsOwnTokenId() throws Exception {
        RegisteredUser user = register();
        String first = SignedJWT.parse((String) login(user).get("accessToken")).getJWTClaimsSet().getJWTID();
        String second = SignedJWT.parse((String) login(user).get("accessToken")).getJWTClaimsSet().getJWTID();
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void meRequiresAToken() {
        expectProblem(client.get().uri("/api/v1/auth/me").exchange(), HttpStatus.UNAUTHORIZED, "unauthorized");
        expectProblem(me("not.a.jwt"), HttpStatus.UNAUTHORIZED, "unauthorized");
    }

    @Test
    void tokenSignedByAForeignKeyIsRejected() {
        RegisteredUser user = register();
        ECKey foreign = TestTokens.generateKey();
        String token = TestTokens.sign(foreign, TestTokens.claims(user.id(), user.tenantId(), Instant.now(),
                Duration.ofMinutes(5)).build());
        expectProblem(me(token), HttpStatus.UNAUTHORIZED, "unauthorized");
    }

    @Test
    void foreignKeyClaimingOurKidIsRejected() throws Exception {
        RegisteredUser user = register();
        ECKey ours = activeKey();
        ECKey impostor = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256)
                .keyID(ours.getKeyID()).generate();
        String token = TestTokens.sign(impostor, TestTokens.claims(user.id(), user.tenantId(), Instant.now(),
                Duration.ofMinutes(5)).build());
        expectProblem(me(token), HttpStatus.UNAUTHORIZED, "unauthorized");
    }

    @Test
    void expiredTokenIsRejected() throws Exception {
        RegisteredUser user = register();
        // Expired ten minutes ago: beyond the 30 s clock skew.
        String token = TestTokens.sign(activeKey(), TestTokens.claims(user.id(), user.tenantId(),
                Instant.now().minus(Duration.ofMinutes(25)), Duration.ofMinutes(15)).build());
        expectProblem(me(token), HttpStatus.UNAUTHORIZED, "unauthorized");
    }

    @Test
    void wrongAudienceOrIssuerIsRejected() throws Exception {
        RegisteredUser user = register();
        ECKey key = activeKey();
        String wrongAudience = TestTokens.sign(key, TestTokens.claims(user.id(), user.tenantId(), Instant.now(),
                Duration.ofMinutes(5)).audience("some-other-api").build());
        String wrongIssuer = TestTokens.sign(key, TestTokens.claims(user.id(), user.tenantId(), Instant.now(),
                Duration.ofMinutes(5)).issuer("someone-else").build());
        expectProblem(me(wrongAudience), HttpStatus.UNAUTHORIZED, "unauthorized");
        expectProblem(me(wrongIssuer), HttpStatus.UNAUTHORIZED, "unauthorized");
    }

    @Test
    void tokenSignedWithOurKeyInTheTestsFormIsAccepted() throws Exception {
        // Guards the rejection tests above: the same construction with valid claims passes.
        RegisteredUser user = register();
        String token = TestTokens.sign(activeKey(), TestTokens.claims(user.id(), user.tenantId(), Instant.now(),
                Duration.ofMinutes(5)).build());
        me(token).expectStatus().isOk();
    }

    @Test
    void tokenFromAnotherTenantDoesNotReachTheUser() throws Exception {
        RegisteredUser user = register();
        String acmeId = tenantDocument(SECOND_TENANT).getString("_id");
        String token = TestTokens.sign(activeKey(), TestTokens.claims(user.id(), acmeId, Instant.now(),
                Duration.ofMinutes(5)).build());
        expectProblem(me(token), HttpStatus.UNAUTHORIZED, "account-unavailable");
    }

    /** The private key auth-service signs with, read from where every replica reads it and decrypted as they do. */
    private ECKey activeKey() throws Exception {
        SigningKeyDocument stored = mongo.findById("active", SigningKeyDocument.class).block(Duration.ofSeconds(10));
        return ECKey.parse(keks.open(stored.id(), stored.kid(), stored.sealed()));
    }
}
