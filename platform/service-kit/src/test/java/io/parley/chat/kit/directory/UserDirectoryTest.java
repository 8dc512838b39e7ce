package io.parley.chat.kit.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

import com.sun.net.httpserver.HttpServer;

import io.parley.chat.kit.directory.DirectoryProblems.DirectoryUnavailable;
import io.parley.chat.kit.security.ChatPrincipal;

/** Against a real HTTP directory that answers like auth-service's lookup: ids starting with "x" are nobody. */
class UserDirectoryTest {

    private static final ChatPrincipal ALICE = new ChatPrincipal("alice", "t-1", "Alice", List.of("member"), "tok");

    private final List<Integer> idsPerRequest = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private HttpServer server;
    private UserDirectory directory;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/users/lookup", exchange -> {
            String[] ids = exchange.getRequestURI().getQuery().replaceFirst("^ids=", "").split(",");
            idsPerRequest.add(ids.length);
            byte[] body = ("{\"items\":[" + Arrays.stream(ids).filter(id -> !id.startsWith("x"))
                    .map(id -> "{\"id\":\"" + id + "\",\"username\":\"" + id + "\"}")
                    .collect(Collectors.joining(",")) + "]}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status.get(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        directory = new UserDirectory(WebClient.builder(), new DirectoryProperties(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()), Duration.ofSeconds(2)));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void asksAHundredIdsAtATimeAndNamesTheUnknownInTheOrderGiven() {
        List<String> ids = IntStream.range(0, 250).mapToObj(i -> (i % 100 == 7 ? "x" : "u") + i).toList();

        assertThat(directory.unknown(ALICE, ids).block()).containsExactly("x7", "x107", "x207");
        assertThat(idsPerRequest).containsExactly(100, 100, 50);
    }

    @Test
    void remembersUsersThatExistButAsksAgainForIdsThatDidNot() {
        directory.unknown(ALICE, List.of("u1", "x2")).block();
        idsPerRequest.clear();

        assertThat(directory.unknown(ALICE, List.of("u1", "x2")).block()).containsExactly("x2");
        assertThat(idsPerRequest).containsExactly(1);
        // another tenant's caller gets no benefit of alice's tenant's answers
        directory.unknown(new ChatPrincipal("m", "t-2", "M", List.of("member"), "tok"), List.of("u1")).block();
        assertThat(idsPerRequest).containsExactly(1, 1);
    }

    @Test
    void aDirectoryThatCannotAnswerIsARetryableUnavailableNotAnEmptyAnswer() {
        status.set(500);

        assertThatThrownBy(() -> directory.unknown(ALICE, List.of("u1")).block())
                .isInstanceOf(DirectoryUnavailable.class);
        server.stop(0);
        assertThatThrownBy(() -> directory.unknown(ALICE, List.of("u2")).block())
                .isInstanceOf(DirectoryUnavailable.class);
    }
}
