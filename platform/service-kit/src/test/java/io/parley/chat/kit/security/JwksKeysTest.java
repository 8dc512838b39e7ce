package io.parley.chat.kit.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.reactive.function.client.WebClient;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.chat.testkit.TestTokens;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * {@link JwksKeys} against a JWKS served over real HTTP, counting its requests, on virtual
 * time: the timer and every interval follow {@link VirtualTimeScheduler}, the reads are real.
 */
@ExtendWith(OutputCaptureExtension.class)
class JwksKeysTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ChatSecurityProperties.Jwks SETTINGS = new ChatSecurityProperties.Jwks(
            Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofHours(1));
    private static final Duration TICK = JwksKeys.TICK;

    private final ECKey signing = TestTokens.generateKey();
    private final ECKey foreign = TestTokens.generateKey();
    private final AtomicReference<JWKSet> published = new AtomicReference<>(new JWKSet(signing.toPublicJWK()));
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicReference<Integer> failWith = new AtomicReference<>();
    private final AtomicReference<CountDownLatch> holdAnswers = new AtomicReference<>(new CountDownLatch(0));
    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final ExecutorService serverThreads = Executors.newFixedThreadPool(4);

    private HttpServer server;
    private JwksKeys keys;
    private ReactiveJwtDecoder decoder;

    @BeforeEach
    void serveJwks() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(serverThreads);
        server.createContext("/jwks.json", exchange -> {
            requests.incrementAndGet();
            try {
                holdAnswers.get().await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Integer status = failWith.get();
            byte[] body = (status == null ? published.get().toString() : "unavailable").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status == null ? 200 : status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
        keys = new JwksKeys(WebClient.create(), uri, SETTINGS, metrics, time, () -> time.now(TimeUnit.NANOSECONDS));
        ChatSecurityProperties properties = new ChatSecurityProperties(uri, SETTINGS,
                new ChatSecurityProperties.Revocations(null, Duration.ofSeconds(2), Duration.ofMinutes(30)), TestTokens.ISSUER,
                TestTokens.AUDIENCE, Duration.ofSeconds(30), List.of());
        decoder = new CachingJwtDecoder(ChatSecurityAutoConfiguration.decoder(keys, properties), properties.clockSkew(),
                () -> time.now(TimeUnit.NANOSECONDS));
    }

    @AfterEach
    void stop() {
        keys.stop();
        server.stop(0);
        serverThreads.shutdownNow();
        time.dispose();
    }

    @Test
    void aThousandTokensWithRandomKidsCauseOneReadPerGap() {
        startAndAwaitTheFirstRead();

        // just after the startup read: refused without a read
        assertThat(decodeAll(randomKids(1000))).containsOnlyKeys(BadJwtException.class).containsValue(1000L);
        assertThat(requests).hasValue(1);

        // a gap later, concurrently: one read, which every one of them waits for
        time.advanceTimeBy(SETTINGS.unknownKidGap());
        holdAnswers.set(new CountDownLatch(1));
        Mono<Map<Class<?>, Long>> flood = Mono.fromCallable(() -> decodeAll(randomKids(1000)))
                .subscribeOn(Schedulers.boundedElastic()).cache();
        flood.subscribe();
        await().atMost(WAIT).untilAsserted(() -> assertThat(requests).hasValue(2));
        holdAnswers.get().countDown();
        assertThat(flood.block(WAIT)).containsOnlyKeys(BadJwtException.class).containsValue(1000L);
        assertThat(requests).hasValue(2);
        assertThat(reads("unknown_kid", "ok")).isEqualTo(1);
        assertThat(metrics.get("chat.jwks.unknown.kid.rejected").counter().count()).isEqualTo(2000);

        // and the genuine key still verifies, without a read
        assertThat(decoder.decode(token(signing)).block(WAIT).getSubject()).isEqualTo("u1");
        assertThat(requests).hasValue(2);
    }

    @Test
    void aKeyRotatedInIsAcceptedOnceTheGapHasPassed() {
        startAndAwaitTheFirstRead();
        ECKey next = TestTokens.generateKey();
        published.set(new JWKSet(List.of(signing.toPublicJWK(), next.toPublicJWK())));

        String first = token(next);
        assertThatThrownBy(() -> decoder.decode(first).block(WAIT)).isInstanceOf(BadJwtException.class);
        assertThat(requests).hasValue(1);

        time.advanceTimeBy(SETTINGS.unknownKidGap());
        assertThat(decoder.decode(token(next)).block(WAIT).getSubject()).isEqualTo("u1");
        assertThat(decoder.decode(first).block(WAIT).getSubject()).isEqualTo("u1");
        assertThat(requests).hasValue(2);
        assertThat(reads("unknown_kid", "ok")).isEqualTo(1);
    }

    @Test
    void theKeyThatReplacesARevokedOneIsReadAtOnceRatherThanAGapLater() {
        startAndAwaitTheFirstRead();
        ECKey replacement = TestTokens.generateKey();
        published.set(new JWKSet(List.of(signing.toPublicJWK(), replacement.toPublicJWK())));
        assertThatThrownBy(() -> decoder.decode(token(replacement)).block(WAIT)).isInstanceOf(BadJwtException.class);
        assertThat(requests).as("within the gap: no read").hasValue(1);

        // what a revocation read from auth-service's list does (ChatSecurityAutoConfiguration)
        keys.expectNewKey();

        assertThat(decoder.decode(token(replacement)).block(WAIT).getSubject()).isEqualTo("u1");
        assertThat(requests).hasValue(2);
        // one read, not a door left open: random kids are refused without another until the gap has passed
        assertThat(decodeAll(randomKids(100))).containsOnlyKeys(BadJwtException.class);
        assertThat(requests).hasValue(2);
    }

    @Test
    void aPrunedKeyIsRefusedAfterTheNextRefreshAndOnceItsVerifiedTokensLeaveTheCache() {
        ECKey successor = TestTokens.generateKey();
        published.set(new JWKSet(List.of(signing.toPublicJWK(), successor.toPublicJWK())));
        startAndAwaitTheFirstRead();

        published.set(new JWKSet(successor.toPublicJWK()));
        time.advanceTimeBy(SETTINGS.refreshEvery().minus(TICK));
        String verified = token(signing);
        assertThat(decoder.decode(verified).block(WAIT)).as("no refresh yet").isNotNull();

        time.advanceTimeBy(TICK);
        await().atMost(WAIT).until(() -> reads("scheduled", "ok") == 1);
        assertThatThrownBy(() -> decoder.decode(token(signing)).block(WAIT)).isInstanceOf(BadJwtException.class);
        assertThat(decoder.decode(token(successor)).block(WAIT)).isNotNull();
        // a token verified before the refresh is remembered for at most the cache's TTL
        assertThat(decoder.decode(verified).block(WAIT)).isNotNull();
        time.advanceTimeBy(CachingJwtDecoder.TTL);
        assertThatThrownBy(() -> decoder.decode(verified).block(WAIT)).isInstanceOf(BadJwtException.class);
        // its kid is now an unknown one: a gap after the refresh it may cause one read, no more
        assertThat(requests).hasValue(3);
        assertThat(reads("unknown_kid", "ok")).isEqualTo(1);
    }

    @Test
    void whileTheJwksIsDownTheLastGoodKeysAreKeptAndEachFailedReadIsOneWarning(CapturedOutput output) {
        startAndAwaitTheFirstRead();
        failWith.set(503);

        time.advanceTimeBy(SETTINGS.refreshEvery());
        await().atMost(WAIT).until(() -> reads("scheduled", "error") == 1);
        assertThat(decoder.decode(token(signing)).block(WAIT).getSubject()).isEqualTo("u1");
        // unknown kids right after the failed read: refused as invalid, no read of their own
        assertThat(decodeAll(randomKids(200))).containsOnlyKeys(BadJwtException.class);
        assertThat(requests).hasValue(2);

        // retried every gap, not every tick; each failure is one line without a stack trace
        time.advanceTimeBy(SETTINGS.unknownKidGap().minus(TICK));
        assertThat(requests).hasValue(2);
        time.advanceTimeBy(TICK);
        await().atMost(WAIT).until(() -> reads("scheduled", "error") == 2);
        assertThat(decoder.decode(token(signing)).block(WAIT)).isNotNull();
        assertThat(output.getOut().lines().filter(line -> line.contains("Could not read the JWKS"))).hasSize(2)
                .allMatch(line -> line.contains("503") && line.contains("still trusting the 1 key(s)"));
        assertThat(output.getAll()).doesNotContain("\tat io.parley").doesNotContain("onErrorDropped");

        failWith.set(null);
        time.advanceTimeBy(SETTINGS.unknownKidGap());
        await().atMost(WAIT).until(() -> reads("scheduled", "ok") == 1);
        assertThat(requests).hasValue(4);
    }

    @Test
    void keysUnconfirmedForMaxStaleAreDroppedAndTokensThenFailAsUnavailableNotInvalid() {
        String token = token(signing);
        startAndAwaitTheFirstRead();
        failWith.set(503);
        // each stretch of virtual time starts one read: the answer is held until it is over
        holdAnswers.set(new CountDownLatch(1));
        time.advanceTimeBy(SETTINGS.maxStale().minus(TICK));
        holdAnswers.get().countDown();
        await().atMost(WAIT).until(() -> reads("scheduled", "error") == 1);
        assertThat(decoder.decode(token).block(WAIT)).as("within max-stale").isNotNull();

        time.advanceTimeBy(TICK);
        await().atMost(WAIT).until(() -> reads("scheduled", "error") == 2);
        String fresh = token(signing);
        assertThatThrownBy(() -> decoder.decode(fresh).block(WAIT)).isNotInstanceOf(BadJwtException.class)
                .hasMessageContaining("Could not obtain the keys");
        assertThat(decoder.decode(token).block(WAIT)).as("verified a second ago: still in the cache").isNotNull();

        failWith.set(null);
        time.advanceTimeBy(JwksKeys.NO_KEYS_RETRY);
        await().atMost(WAIT).until(() -> reads("scheduled", "ok") == 1);
        assertThat(decoder.decode(fresh).block(WAIT)).isNotNull();
        assertThat(requests).hasValue(4);
    }

    @Test
    void withoutAnyKeysYetTheTimerRetriesEverySecondAndTokensShareTheRead() {
        failWith.set(503);
        keys.start();
        await().atMost(WAIT).until(() -> reads("startup", "error") == 1);
        String token = token(signing);
        assertThatThrownBy(() -> decoder.decode(token).block(WAIT)).isNotInstanceOf(BadJwtException.class);

        failWith.set(null);
        time.advanceTimeBy(JwksKeys.NO_KEYS_RETRY);
        await().atMost(WAIT).until(() -> reads("scheduled", "ok") == 1);
        assertThat(decoder.decode(token).block(WAIT).getSubject()).isEqualTo("u1");
        assertThat(requests).hasValue(2);
    }

    @Test
    void aTokenThatArrivesBeforeTheStartupReadWaitsForIt() {
        holdAnswers.set(new CountDownLatch(1));
        keys.start();
        Mono<String> subject = decoder.decode(token(signing)).map(jwt -> jwt.getSubject()).cache();
        subject.subscribe();
        holdAnswers.get().countDown();
        assertThat(subject.block(WAIT)).isEqualTo("u1");
        assertThat(requests).hasValue(1);
    }

    private void startAndAwaitTheFirstRead() {
        keys.start();
        await().atMost(WAIT).until(() -> reads("startup", "ok") == 1);
    }

    private double reads(String reason, String outcome) {
        return metrics.get("chat.jwks.fetches").tag("reason", reason).tag("outcome", outcome).counter().count();
    }

    private List<String> randomKids(int count) {
        List<String> tokens = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            tokens.add(token(new ECKey.Builder(foreign).keyID(UUID.randomUUID().toString()).build()));
        }
        return tokens;
    }

    /** How the tokens ended, decoded concurrently: the class of each error, or the class of a success. */
    private Map<Class<?>, Long> decodeAll(List<String> tokens) {
        return Flux.fromIterable(tokens)
                .flatMap(token -> Mono.defer(() -> decoder.decode(token)).<Class<?>>map(Object::getClass)
                        .onErrorResume(e -> Mono.just(e.getClass()))
                        .subscribeOn(Schedulers.parallel()), tokens.size())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))
                .block(WAIT);
    }

    private static String token(ECKey key) {
        return TestTokens.sign(key, TestTokens.claims("u1", "t1", Instant.now(), Duration.ofMinutes(15)).build());
    }
}
