package io.parley.chat.kit.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.chat.contracts.events.ConversationEvent;
import io.parley.chat.contracts.events.ConversationEvent.Type;
import io.parley.chat.kit.security.ChatPrincipal;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Against a real HTTP server that answers like conversation-service: its list of recent
 * events (pages of 500, each event naming up to 256 members) and its membership endpoint.
 */
class ConversationEventsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<ConversationEvents.Listed> stored = new CopyOnWriteArrayList<>();
    private final Map<String, String> roles = new ConcurrentHashMap<>();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private HttpServer server;
    private URI base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(ConversationEvents.PATH, exchange -> {
            long since = Long.parseLong(exchange.getRequestURI().getQuery().replaceFirst("^since=", ""));
            List<ConversationEvents.Listed> items = stored.stream().filter(e -> e.storedAt() >= since)
                    .limit(ConversationEvents.PAGE).toList();
            answer(exchange, 200, JSON.writeValueAsString(Map.of("items", items, "now", Instant.now().toEpochMilli())));
        });
        // /internal/v1/conversations/{id}/membership, as the caller (the bearer names the user here)
        server.createContext("/internal/v1/conversations/", exchange -> {
            String conversation = exchange.getRequestURI().getPath().split("/")[4];
            String user = exchange.getRequestHeaders().getFirst("Authorization").substring("Bearer ".length());
            String role = roles.get(conversation + "/" + user);
            if (role == null) {
                answer(exchange, 404, "{}");
            } else {
                answer(exchange, 200, JSON.writeValueAsString(Map.of("conversationId", conversation, "userId", user,
                        "role", role)));
            }
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aReplicaThatStartsLaterGetsEveryListedEventOnceInStoredOrderAcrossFullPagesOfTheLargestEvents() {
        long base = Instant.now().minusSeconds(600).toEpochMilli();
        List<String> members = IntStream.range(0, 256).mapToObj(i -> "user-" + i + "-" + "x".repeat(40)).toList();
        IntStream.range(0, 1_200).forEach(i -> stored.add(new ConversationEvents.Listed(base + i / 3,
                event("e" + i, Type.MemberAdded, "c" + (i % 7), members, null))));
        ConversationEvents events = events();
        List<String> told = new CopyOnWriteArrayList<>();
        events.onEvent(event -> told.add(event.eventId()));

        events.read().block();
        events.read().block();

        assertThat(told).containsExactlyElementsOf(IntStream.range(0, 1_200).mapToObj(i -> "e" + i).toList());
        assertThat(metrics.counter("chat.conversation.events.reads", "outcome", "ok").count()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void anEventIsAppliedOnceWhetherKafkaOrTheListBringsItFirst() {
        ConversationEvents events = events();
        List<ConversationEvent> told = new CopyOnWriteArrayList<>();
        events.onEvent(told::add);
        ConversationEvent fromKafkaFirst = event("k", Type.MemberRemoved, "c1", List.of("bob"), null);
        ConversationEvent fromListFirst = event("l", Type.MemberRemoved, "c1", List.of("carol"), null);
        stored.add(new ConversationEvents.Listed(Instant.now().toEpochMilli(), fromKafkaFirst));
        stored.add(new ConversationEvents.Listed(Instant.now().toEpochMilli(), fromListFirst));

        assertThat(events.accept(fromKafkaFirst)).isTrue();
        events.read().block();
        assertThat(events.accept(fromListFirst)).isFalse();
        assertThat(events.accept(fromKafkaFirst)).isFalse();

        assertThat(told).extracting(ConversationEvent::eventId).containsExactly("k", "l");
        assertThat(events.accept(new ConversationEvent("bad", null, "t-1", "c1", List.of(), null, Instant.now())))
                .as("an event without a type is not handed on").isFalse();
    }

    @Test
    void aRemovalOrARoleChangeReadFromTheListDropsTheCachedAnswerAndOtherUsersKeepTheirs() {
        MembershipClient membership = new MembershipClient(WebClient.builder(),
                new MembershipProperties(base, Duration.ofMinutes(10)));
        ConversationEvents events = events();
        events.onEvent(membership::forget);
        roles.put("c1/bob", "member");
        roles.put("c1/carol", "admin");
        roles.put("c1/dave", "member");
        assertThat(membership.roleOf(caller("bob"), "c1").block()).isEqualTo("member");
        assertThat(membership.roleOf(caller("carol"), "c1").block()).isEqualTo("admin");
        assertThat(membership.roleOf(caller("dave"), "c1").block()).isEqualTo("member");

        roles.remove("c1/bob");
        roles.put("c1/carol", "member");
        roles.put("c1/dave", "admin"); // changed with no event: the cached answer stands until its TTL
        long now = Instant.now().toEpochMilli();
        stored.add(new ConversationEvents.Listed(now, event("r", Type.MemberRemoved, "c1", List.of("bob"), null)));
        stored.add(new ConversationEvents.Listed(now, event("d", Type.ConversationUpdated, "c1", List.of("carol"),
                "member")));
        stored.add(new ConversationEvents.Listed(now, event("t", Type.ConversationUpdated, "c1", List.of(), null)));
        events.read().block();

        assertThat(membership.roleOf(caller("bob"), "c1").onErrorResume(MembershipProblems.ConversationNotFound.class,
                e -> Mono.just("refused")).block()).isEqualTo("refused");
        assertThat(membership.roleOf(caller("carol"), "c1").block()).isEqualTo("member");
        assertThat(membership.roleOf(caller("dave"), "c1").block()).as("a title change drops nobody").isEqualTo("member");
    }

    @Test
    void whileTheListCannotBeReadKafkaStillBringsEvents() {
        ConversationEvents events = events();
        List<ConversationEvent> told = new CopyOnWriteArrayList<>();
        events.onEvent(told::add);
        server.stop(0);

        events.read().block();
        events.accept(event("k", Type.MemberRemoved, "c1", List.of("bob"), null));

        assertThat(told).hasSize(1);
        assertThat(metrics.counter("chat.conversation.events.reads", "outcome", "error").count()).isEqualTo(1);
    }

    private ConversationEvents events() {
        WebClient http = WebClient.builder()
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(ConversationEvents.MAX_PAGE_BYTES)).build();
        return new ConversationEvents(http, base.resolve(ConversationEvents.PATH), Duration.ofSeconds(2),
                Duration.ofMinutes(40), metrics);
    }

    private static ConversationEvent event(String id, Type type, String conversation, List<String> users, String role) {
        return new ConversationEvent(id, type, "t-1", conversation, users, role, Instant.now());
    }

    private static ChatPrincipal caller(String user) {
        return new ChatPrincipal(user, "t-1", user, List.of(), user);
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
