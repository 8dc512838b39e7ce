package io.parley.chat.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.parley.chat.cluster.LocalCluster;
import io.parley.chat.testkit.TestTokens;

/**
 * The token attack list against every service on its own port, not only the gateway: a
 * service reached around the edge (a misrouted request, a compromised pod next to it)
 * must reject the same tokens the gateway rejects. Each endpoint first accepts a valid
 * token, so a 401 below is the attack failing, not the endpoint failing.
 */
class TokenAttacksIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    static LocalCluster cluster;
    static Api api;
    static Api.User user;
    static Map<String, String> protectedEndpoints;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = TestCluster.get();
        api = new Api(cluster.gatewayUrl());
        user = api.newUser("target");
        protectedEndpoints = ProtectedEndpoints.of(cluster);
    }

    @Test
    void everyServiceAcceptsTheGenuineToken() throws Exception {
        for (var endpoint : protectedEndpoints.entrySet()) {
            assertThat(ProtectedEndpoints.status(endpoint.getValue(), user.token())).as(endpoint.getKey()).isNotEqualTo(401);
        }
    }

    @Test
    void noToken() throws Exception {
        expectRejectedEverywhere(null);
    }

    @Test
    void algNone() throws Exception {
        String[] parts = user.token().split("\\.");
        String header = B64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        expectRejectedEverywhere(header + "." + parts[1] + ".");
        expectRejectedEverywhere(header + "." + parts[1] + "." + parts[2]);
    }

    /** The classic confusion: a verifier that trusted the header's alg would check an HMAC with the public key. */
    @Test
    void hs256SignedWithThePublicKey() throws Exception {
        SignedJWT genuine = SignedJWT.parse(user.token());
        ECKey publicKey = publicKey(genuine.getHeader().getKeyID());
        for (byte[] secret : List.of(publicKey.toJSONString().getBytes(StandardCharsets.UTF_8),
                publicKey.toECPublicKey().getEncoded())) {
            byte[] padded = secret.length >= 32 ? secret : java.util.Arrays.copyOf(secret, 32);
            SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256)
                    .keyID(genuine.getHeader().getKeyID()).build(), genuine.getJWTClaimsSet());
            forged.sign(new MACSigner(padded));
            expectRejectedEverywhere(forged.serialize());
        }
    }

    @Test
    void signedByAForeignKey() throws Exception {
        expectRejectedEverywhere(TestTokens.forge(claims().build(), null));
        // Even when it claims the genuine key's id.
        expectRejectedEverywhere(TestTokens.forge(claims().build(), kid()));
    }

    @Test
    void tamperedPayload() throws Exception {
        String[] parts = user.token().split("\\.");
        JWTClaimsSet genuine = SignedJWT.parse(user.token()).getJWTClaimsSet();
        JWTClaimsSet elevated = new JWTClaimsSet.Builder(genuine).subject("someone-else")
                .claim("roles", List.of("member", "admin", "platform-admin")).build();
        String payload = B64.encodeToString(elevated.toString().getBytes(StandardCharsets.UTF_8));
        expectRejectedEverywhere(parts[0] + "." + payload + "." + parts[2]);
    }

    /**
     * Expired, not yet valid, wrong issuer and wrong audience. From outside the cluster they
     * can only be signed by a key the cluster does not trust, so these prove rejection at
     * every port but not which check fires; the claim checks themselves are proven in the
     * service-kit and auth-service tests, where the test issuer is trusted.
     */
    @Test
    void expiredNotYetValidWrongIssuerAndWrongAudience() throws Exception {
        Instant now = Instant.now();
        expectRejectedEverywhere(TestTokens.forge(claims().issueTime(Date.from(now.minusSeconds(3600)))
                .expirationTime(Date.from(now.minusSeconds(1800))).build(), kid()));
        expectRejectedEverywhere(TestTokens.forge(claims().notBeforeTime(Date.from(now.plusSeconds(3600))).build(), kid()));
        expectRejectedEverywhere(TestTokens.forge(claims().issuer("someone-else").build(), kid()));
        expectRejectedEverywhere(TestTokens.forge(claims().audience("another-api").build(), kid()));
    }

    @Test
    void garbage() throws Exception {
        expectRejectedEverywhere("not-a-jwt");
        expectRejectedEverywhere("a.b.c");
    }

    private static void expectRejectedEverywhere(String token) throws Exception {
        for (var endpoint : protectedEndpoints.entrySet()) {
            assertThat(ProtectedEndpoints.status(endpoint.getValue(), token)).as("%s with %s", endpoint.getKey(),
                    token == null ? "no token" : "a forged token").isEqualTo(401);
        }
    }

    private static JWTClaimsSet.Builder claims() throws Exception {
        JWTClaimsSet genuine = SignedJWT.parse(user.token()).getJWTClaimsSet();
        return TestTokens.claims(genuine.getSubject(), genuine.getStringClaim("tid"), Instant.now(),
                Duration.ofMinutes(15));
    }

    private static String kid() throws Exception {
        return SignedJWT.parse(user.token()).getHeader().getKeyID();
    }

    private static ECKey publicKey(String kid) throws Exception {
        HttpResponse<String> jwks = HTTP.send(HttpRequest.newBuilder(URI.create(
                ProtectedEndpoints.local(cluster, "auth-service") + "/.well-known/jwks.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        return (ECKey) JWKSet.parse(jwks.body()).getKeyByKeyId(kid);
    }
}
