package io.parley.chat.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in token issuer for one service's tests: an ES256 key, its JWKS served over
 * real HTTP (so services fetch it exactly as they fetch auth-service's), and tokens
 * minted with the claims auth-service puts in them. It also answers auth-service's user
 * lookup ({@code GET /api/v1/users/lookup?ids=}) with auth-service's body: every id is a
 * user except those starting with {@value #GHOST}. The whole cluster's tests use the
 * real auth-service instead.
 */
public final class TestTokens implements AutoCloseable {

    public static final String ISSUER = "parley";
    public static final String AUDIENCE = "parley-chat";
    /** Ids starting with this name no user in the stand-in directory. */
    public static final String GHOST = "ghost";

    private final ECKey key;
    private final HttpServer server;

    private TestTokens(ECKey key, HttpServer server) {
        this.key = key;
        this.server = server;
    }

    public static TestTokens start() throws IOException {
        ECKey key = generateKey();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        server.createContext("/.well-known/jwks.json", exchange -> respond(exchange, jwks));
        server.createContext("/api/v1/users/lookup", exchange -> respond(exchange, lookup(exchange.getRequestURI())));
        server.start();
        return new TestTokens(key, server);
    }

    private static byte[] lookup(URI request) {
        String query = request.getQuery() == null ? "" : request.getQuery().replaceFirst("^ids=", "");
        String items = Arrays.stream(query.split(","))
                .filter(id -> !id.isEmpty() && !id.startsWith(GHOST))
                .map(id -> "{\"id\":\"" + id + "\",\"username\":\"" + id + "\",\"displayName\":\"" + id + "\"}")
                .collect(Collectors.joining(","));
        return ("{\"items\":[" + items + "]}").getBytes(StandardCharsets.UTF_8);
    }

    private static void respond(HttpExchange exchange, byte[] json) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, json.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(json);
        }
    }

    public static ECKey generateKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public String jwksUri() {
        return baseUrl() + "/.well-known/jwks.json";
    }

    /** Where the stand-in answers as auth-service would (JWKS and user lookup). */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A valid access token for {@code userId} in {@code tenantId}, living 15 minutes. */
    public String mint(String userId, String tenantId) {
        return sign(key, claims(userId, tenantId, Instant.now(), Duration.ofMinutes(15)).build());
    }

    /** Claims as auth-service writes them, for tests that alter one of them. */
    public static JWTClaimsSet.Builder claims(String userId, String tenantId, Instant issuedAt, Duration lifetime) {
        return new JWTClaimsSet.Builder()
                .subject(userId)
                .claim("tid", tenantId)
                .claim("roles", List.of("member"))
                .claim("name", userId)
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(issuedAt.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString());
    }

    /** Signs claims with this issuer's key. */
    public String sign(JWTClaimsSet claims) {
        return sign(key, claims);
    }

    /**
     * Signs claims with a fresh key that nobody trusts, naming {@code kid} in the header, or
     * the fresh key's own random kid when it is null: a forged token.
     */
    public static String forge(JWTClaimsSet claims, String kid) {
        ECKey key = generateKey();
        return sign(kid == null ? key : new ECKey.Builder(key).keyID(kid).build(), claims);
    }

    public static String sign(ECKey key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
