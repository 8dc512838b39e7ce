package io.parley.chat.kit.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

import com.sun.net.httpserver.HttpServer;

import io.parley.chat.kit.security.ChatPrincipal;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Callers of one (tenant, conversation, user) share one check in flight. One of them giving
 * up (its own caller's timeout, a closed socket) must not fail the others: under load the
 * edge cancels calls that took too long, and before this was kept apart every request waiting
 * on the same check failed with a cancellation.
 */
class MembershipClientTest {

    private static final ChatPrincipal BOB = new ChatPrincipal("bob", "t1", "bob", List.of(), "token-of-bob");

    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger checks = new AtomicInteger();
    private volatile int status = 200;
    private final List<Throwable> dropped = new java.util.concurrent.CopyOnWriteArrayList<>();
    private HttpServer server;
    private MembershipClient membership;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        // a slow conversation-service: answers a membership check only once released
        server.createContext("/internal/v1/conversations/", exchange -> {
            checks.incrementAndGet();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "{\"conversationId\":\"c1\",\"userId\":\"bob\",\"role\":\"admin\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        reactor.core.publisher.Hooks.onErrorDropped(dropped::add);
        membership = new MembershipClient(WebClient.builder(), new MembershipProperties(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()), Duration.ofMinutes(10)));
    }

    @AfterEach
    void stop() {
        reactor.core.publisher.Hooks.resetOnErrorDropped();
        release.countDown();
        server.stop(0);
    }

    @Test
    void aCallerThatGivesUpLeavesTheSharedCheckToTheOthers() throws Exception {
        Mono<String> patient = oneCallerGivesUpWhileAnotherWaits();

        assertThat(patient.block(Duration.ofSeconds(5))).isEqualTo("admin");
        assertThat(membership.roleOf(BOB, "c1").block(Duration.ofSeconds(5))).as("the answer stays cached").isEqualTo("admin");
        assertThat(checks.get()).as("one check served every caller").isEqualTo(1);
    }

    @Test
    void aCheckThatFailsAfterACallerGaveUpFailsTheOthersAndNothingIsDropped() throws Exception {
        status = 500;
        Mono<String> patient = oneCallerGivesUpWhileAnotherWaits();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> patient.block(Duration.ofSeconds(5)))
                .isInstanceOf(MembershipProblems.MembershipUnavailable.class);
        assertThat(dropped).as("errors nobody was left to receive, which Reactor logs at ERROR").isEmpty();
    }

    /** Two callers wait on one check; the first gives up before conversation-service answers; then it answers. */
    private Mono<String> oneCallerGivesUpWhileAnotherWaits() {
        Disposable impatient = membership.roleOf(BOB, "c1").subscribe();
        Mono<String> patient = membership.roleOf(BOB, "c1").cache();
        patient.subscribe(role -> { }, error -> { });
        awaitChecks(1);

        impatient.dispose();
        release.countDown();
        return patient;
    }

    private void awaitChecks(int count) {
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> checks.get() >= count);
        assertThat(checks.get()).isEqualTo(count);
    }
}
