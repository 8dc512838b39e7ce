package io.parley.chat.edge.clients;

import java.time.Duration;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

import io.parley.chat.edge.config.EdgeProperties;
import reactor.core.publisher.Mono;

/**
 * Reports sessions to presence-service. Presence is soft state: a failed report is
 * logged and dropped, never allowed to fail or delay messaging, and the TTL on the
 * presence side corrects whatever a lost report left behind.
 */
@Component
public class PresenceClient {

    private static final Logger log = LoggerFactory.getLogger(PresenceClient.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final WebClient http;
    private final String edgeId;

    PresenceClient(WebClient.Builder builder, EdgeProperties properties) {
        this.http = builder.baseUrl(properties.presenceServiceUrl().toString()).build();
        this.edgeId = properties.edgeId();
    }

    /** Connect and heartbeat are the same call: the session lives for another TTL. */
    public Mono<Void> alive(String token, String sessionId) {
        return http.put().uri("/internal/v1/presence/sessions/{id}", sessionId)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .bodyValue(Map.of("edgeId", edgeId))
                .retrieve().toBodilessEntity().timeout(TIMEOUT).then()
                .onErrorResume(e -> ignore("heartbeat", e));
    }

    public Mono<Void> gone(String token, String sessionId) {
        return http.delete().uri("/internal/v1/presence/sessions/{id}", sessionId)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .retrieve().toBodilessEntity().timeout(TIMEOUT).then()
                .onErrorResume(e -> ignore("disconnect", e));
    }

    private static Mono<Void> ignore(String what, Throwable e) {
        log.debug("Presence {} not reported: {}", what, e.getClass().getSimpleName());
        return Mono.empty();
    }
}
