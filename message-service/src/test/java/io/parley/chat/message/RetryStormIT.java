package io.parley.chat.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import io.parley.chat.testkit.TestInfrastructure;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The retry storm of the issue: 8 senders x 500 messages into one conversation, every
 * message sent twice at the same moment, once to each of two message-service replicas
 * sharing one database. Exactly 4,000 messages with seq exactly 1..4,000 must result,
 * and both copies of each send must get the same answer, one of them as the first (201).
 */
class RetryStormIT extends RunningService {

    private static final int SENDERS = 8;
    private static final int MESSAGES = 500;
    private static ConfigurableApplicationContext secondReplica;

    @BeforeAll
    static void startSecondReplica() {
        secondReplica = new SpringApplicationBuilder(MessageApplication.class).run(
                "--server.port=0",
                "--spring.mongodb.uri=" + TestInfrastructure.mongo().uri("message"),
                "--spring.kafka.bootstrap-servers=" + TestInfrastructure.kafka().bootstrapServers(),
                "--chat.security.jwks-uri=" + TestInfrastructure.tokens().jwksUri(),
                "--chat.message.conversation-service-url=" + membership.url());
    }

    @AfterAll
    static void stopSecondReplica() {
        secondReplica.close();
    }

    @Test
    void everyMessageSentTwiceToTwoReplicasIsStoredOnceWithDenseSeq() {
        WebClient first = client(port);
        WebClient second = client(Integer.parseInt(secondReplica.getEnvironment().getProperty("local.server.port")));
        Map<String, String> tokens = new ConcurrentHashMap<>();
        for (int s = 0; s < SENDERS; s++) {
            String sender = "sender" + s + "-" + UUID.randomUUID().toString().substring(0, 8);
            membership.addMember(TENANT, conversation, sender);
            tokens.put(sender, TestInfrastructure.tokens().mint(sender, TENANT));
        }
        Set<String> disagreements = ConcurrentHashMap.newKeySet();
        Set<String> notExactlyOneCreated = ConcurrentHashMap.newKeySet();
        Map<Long, String> seqOwner = new ConcurrentHashMap<>();
        Set<String> refused = ConcurrentHashMap.newKeySet();

        Flux.fromIterable(tokens.entrySet())
                .flatMap(sender -> Flux.range(0, MESSAGES).flatMap(i -> {
                    String clientMsgId = sender.getKey() + "-" + i;
                    return Mono.zip(send(first, sender.getValue(), clientMsgId), send(second, sender.getValue(), clientMsgId))
                            .filter(both -> {
                                for (Answer answer : List.of(both.getT1(), both.getT2())) {
                                    if (answer.status() >= 300) {
                                        refused.add(clientMsgId + " -> " + answer.status() + " " + answer.body());
                                    }
                                }
                                return both.getT1().status() < 300 && both.getT2().status() < 300;
                            })
                            .doOnNext(both -> {
                                JsonNode a = both.getT1().body();
                                JsonNode b = both.getT2().body();
                                if (a.get("seq").asLong() != b.get("seq").asLong()
                                        || !a.get("messageId").asString().equals(b.get("messageId").asString())) {
                                    disagreements.add(clientMsgId);
                                }
                                if ((both.getT1().status() == 201) == (both.getT2().status() == 201)) {
                                    notExactlyOneCreated.add(clientMsgId);
                                }
                                String earlier = seqOwner.putIfAbsent(a.get("seq").asLong(), clientMsgId);
                                if (earlier != null && !earlier.equals(clientMsgId)) {
                                    disagreements.add("seq " + a.get("seq") + " for " + earlier + " and " + clientMsgId);
                                }
                            });
                }, 4), SENDERS)
                .blockLast(Duration.ofMinutes(5));

        assertThat(refused).as("sends that were refused").isEmpty();
        assertThat(disagreements).as("retries that got another answer").isEmpty();
        assertThat(notExactlyOneCreated).as("sends without exactly one 201").isEmpty();
        assertThat(seqOwner).hasSize(SENDERS * MESSAGES);

        List<Long> stored = new ArrayList<>();
        long after = 0;
        JsonNode page;
        do {
            page = history(aliceToken, "afterSeq=" + after + "&limit=200");
            List<Long> seqs = seqs(page);
            stored.addAll(seqs);
            after = seqs.isEmpty() ? after : seqs.get(seqs.size() - 1);
        } while (page.get("hasMore").asBoolean());
        assertThat(stored).containsExactlyElementsOf(LongStream.rangeClosed(1, SENDERS * MESSAGES).boxed().toList());
    }

    private record Answer(int status, JsonNode body) {
    }

    private Mono<Answer> send(WebClient client, String token, String clientMsgId) {
        return client.post().uri("/api/v1/conversations/{id}/messages", conversation)
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body(clientMsgId, "storm " + clientMsgId))
                .exchangeToMono(response -> response.bodyToMono(String.class)
                        .map(text -> new Answer(response.statusCode().value(), json.readTree(text))));
    }

    private WebClient client(int port) {
        return WebClient.builder().baseUrl("http://localhost:" + port).build();
    }
}
