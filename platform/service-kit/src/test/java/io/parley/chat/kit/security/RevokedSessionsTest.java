package io.parley.chat.kit.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.reactive.function.client.WebClient;

import com.nimbusds.jose.jwk.ECKey;
import com.sun.net.httpserver.HttpServer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.chat.contracts.events.SessionEvent;
import io.parley.chat.kit.events.StoredListReader;
import io.parley.chat.testkit.TestTokens;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** Against a real HTTP list that answers like auth-service's RevocationController, pages of 1,000 included. */
class RevokedSessionsTest {

    private final List<SessionEvent> stored = new CopyOnWriteArrayList<>();
    private final List<Revocation> storedKeys = new CopyOnWriteArrayList<>();
    private final List<Long> sinceAsked = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private HttpServer server;
    private URI uri;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/internal/v1/revocations", exchange -> {
            long since = Long.parseLong(exchange.getRequestURI().getQuery().replaceFirst("^since=", ""));
            sinceAsked.add(since);
            // ended logins as a replica older than key revocations wrote them (with a type), then revoked keys
            String items = Stream.concat(
                    stored.stream().filter(e -> e.at().toEpochMilli() >= since).map(RevokedSessionsTest::json),
                    storedKeys.stream().filter(k -> k.at().toEpochMilli() >= since).map(RevokedSessionsTest::json))
                    .limit(RevokedSessions.PAGE).collect(Collectors.joining(","));
            byte[] body = ("{\"items\":[" + items + "],\"now\":" + Instant.now().toEpochMilli() + "}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/internal/v1/revocations");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aReplicaThatStartsLaterReadsEveryRevocationStillListedAcrossFullPages() {
        Instant base = Instant.now().minusSeconds(600);
        IntStream.range(0, 2_500).forEach(i -> stored.add(revoked("u" + i, "s" + i, base.plusMillis(i))));

        RevokedSessions revoked = sessions();
        revoked.read().block();

        assertThat(IntStream.range(0, 2_500)).allMatch(i -> revoked.isRevoked(token("u" + i, "s" + i, base)));
        assertThat(revoked.isRevoked(token("u1", "another-login", base))).isFalse();
        assertThat(sinceAsked).hasSize(3).startsWith(0L);
        assertThat(metrics.counter("chat.revocations.reads", "outcome", "ok").count()).isEqualTo(3);
    }

    @Test
    void eachRevocationReachesTheListenersOnceWhicheverSourceBringsItAndHowOftenItIsRead() {
        RevokedSessions revoked = sessions();
        List<SessionEvent> told = new CopyOnWriteArrayList<>();
        revoked.onRevoked(told::add);
        SessionEvent logout = revoked("alice", "laptop", Instant.now());
        stored.add(logout);

        revoked.add(logout);
        revoked.read().block();
        revoked.read().block();

        assertThat(told).containsExactly(logout);
        // the next read starts before the last answer, so a revocation stored a moment late is not skipped
        assertThat(sinceAsked.get(1)).isLessThanOrEqualTo(Instant.now().minus(StoredListReader.OVERLAP).toEpochMilli());
    }

    @Test
    void aDisabledAccountRefusesTheTokensIssuedUpToItButNotLaterOnes() {
        Instant disabledAt = Instant.now();
        RevokedSessions revoked = sessions();
        revoked.add(revoked("bob", null, disabledAt));

        assertThat(revoked.isRevoked(token("bob", "any", disabledAt.minusSeconds(60)))).isTrue();
        assertThat(revoked.isRevoked(token("bob", "any", disabledAt))).isTrue();
        assertThat(revoked.isRevoked(token("bob", "new", disabledAt.plusSeconds(5)))).isFalse();
        assertThat(revoked.isRevoked(token("carol", "any", disabledAt.minusSeconds(60)))).isFalse();
    }

    @Test
    void whileTheListCannotBeReadWhatIsKnownStaysKnown() {
        RevokedSessions revoked = sessions();
        stored.add(revoked("dave", "phone", Instant.now()));
        revoked.read().block();
        server.stop(0);

        revoked.read().block();

        assertThat(revoked.isRevoked(token("dave", "phone", Instant.now()))).isTrue();
        assertThat(metrics.counter("chat.revocations.reads", "outcome", "error").count()).isEqualTo(1);
    }

    @Test
    void aRevokedKeyRefusesEveryTokenItSignedIncludingOnesVerifiedBefore() {
        ECKey revokedKey = TestTokens.generateKey();
        ECKey otherKey = TestTokens.generateKey();
        RevokedSessions revoked = sessions();
        List<String> keysTold = new CopyOnWriteArrayList<>();
        List<SessionEvent> loginsTold = new CopyOnWriteArrayList<>();
        revoked.onKeyRevoked(keysTold::add);
        revoked.onRevoked(loginsTold::add);
        // as ChatSecurityAutoConfiguration composes it: signature check, remembered verifications, refusals
        ReactiveJwtDecoder decoder = revoked.refusing(new CachingJwtDecoder(NimbusReactiveJwtDecoder
                .withJwkSource(jwt -> Flux.just(revokedKey.toPublicJWK(), otherKey.toPublicJWK()))
                .jwsAlgorithm(SignatureAlgorithm.ES256).build(), Duration.ofSeconds(30)));
        String verifiedBefore = signed(revokedKey);
        String ofTheOtherKey = signed(otherKey);
        StepVerifier.create(decoder.decode(verifiedBefore)).expectNextCount(1).verifyComplete();
        StepVerifier.create(decoder.decode(ofTheOtherKey)).expectNextCount(1).verifyComplete();

        storedKeys.add(Revocation.ofKey("key-1", revokedKey.getKeyID(), Instant.now()));
        revoked.read().block();
        revoked.read().block();

        StepVerifier.create(decoder.decode(verifiedBefore)).expectError(BadJwtException.class).verify();
        StepVerifier.create(decoder.decode(signed(revokedKey))).expectError(BadJwtException.class).verify();
        StepVerifier.create(decoder.decode(ofTheOtherKey)).expectNextCount(1).verifyComplete();
        assertThat(revoked.isKeyRevoked(revokedKey.getKeyID())).isTrue();
        assertThat(revoked.isKeyRevoked(otherKey.getKeyID())).isFalse();
        assertThat(keysTold).containsExactly(revokedKey.getKeyID());
        assertThat(loginsTold).as("no login ended: the edge closes no socket for it").isEmpty();
    }

    private RevokedSessions sessions() {
        WebClient http = WebClient.builder()
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(RevokedSessions.MAX_PAGE_BYTES)).build();
        return new RevokedSessions(http, uri, Duration.ofSeconds(2), Duration.ofMinutes(30), metrics);
    }

    private static SessionEvent revoked(String userId, String sessionId, Instant at) {
        return new SessionEvent("e-" + userId + "-" + sessionId, SessionEvent.Type.SessionRevoked, "t-1", userId,
                sessionId, at);
    }

    private static Jwt token(String userId, String sessionId, Instant issuedAt) {
        return Jwt.withTokenValue("token").header("alg", "ES256").subject(userId).claim(ChatPrincipal.TENANT_CLAIM, "t-1")
                .claim(SessionEvent.SESSION_CLAIM, sessionId).issuedAt(issuedAt).expiresAt(issuedAt.plusSeconds(900))
                .build();
    }

    private static String signed(ECKey key) {
        return TestTokens.sign(key, TestTokens.claims("u1", "t-1", Instant.now(), Duration.ofMinutes(15)).build());
    }

    private static String json(Revocation key) {
        return "{\"eventId\":\"" + key.eventId() + "\",\"tenantId\":null,\"userId\":null,\"sessionId\":null,\"kid\":\""
                + key.kid() + "\",\"at\":\"" + key.at() + "\"}";
    }

    private static String json(SessionEvent e) {
        return "{\"eventId\":\"" + e.eventId() + "\",\"type\":\"SessionRevoked\",\"tenantId\":\"" + e.tenantId()
                + "\",\"userId\":\"" + e.userId() + "\",\"sessionId\":"
                + (e.sessionId() == null ? "null" : "\"" + e.sessionId() + "\"") + ",\"at\":\"" + e.at() + "\"}";
    }
}
