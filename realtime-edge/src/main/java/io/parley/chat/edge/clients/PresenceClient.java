package io.parley.chat.edge.clients;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

import io.parley.chat.edge.config.EdgeProperties;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * presence-service as the edge uses it, always with the socket user's token. Session
 * reports are soft state: a failed report is logged and dropped, never allowed to fail
 * or delay messaging, and the TTL on the presence side corrects whatever a lost report
 * left behind. Requests a client made (typing, read, presence) fail as an
 * {@link UpstreamRefusal}: the service's own refusal, or {@code unavailable} (retryable)
 * when it cannot be reached, so that the socket answers with an error frame and carries on.
 */
@Component
public class PresenceClient {

    private static final Logger log = LoggerFactory.getLogger(PresenceClient.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final String SERVICE = "presence-service";

    private final WebClient http;
    private final String edgeId;
    private final JsonMapper json;

    PresenceClient(WebClient.Builder builder, EdgeProperties properties, JsonMapper json) {
        this.http = builder.baseUrl(properties.presenceServiceUrl().toString()).build();
        this.edgeId = properties.edgeId();
        this.json = json;
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

    /**
     * The user is typing in the conversation. presence-service checks membership, throttles
     * (at most one relay per user and conversation every few seconds) and publishes the
     * {@code Typing} event that the edges relay.
     */
    public Mono<Void> typing(String token, String conversationId) {
        return http.post().uri("/internal/v1/presence/typing")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("conversationId", conversationId))
                .retrieve().toBodilessEntity().timeout(TIMEOUT).then()
                .onErrorMap(e -> UpstreamRefusal.of(e, json, SERVICE));
    }

    /** Moves the user's read marker forward; presence-service publishes the {@code ReadMarker} event. */
    public Mono<Void> read(String token, String conversationId, long seq) {
        return http.put().uri("/internal/v1/presence/read")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("conversationId", conversationId, "seq", seq))
                .retrieve().toBodilessEntity().timeout(TIMEOUT).then()
                .onErrorMap(e -> UpstreamRefusal.of(e, json, SERVICE));
    }

    /** The users' status and last-seen, in the caller's tenant, in the order asked. */
    public Flux<UserPresence> presence(String token, List<String> userIds) {
        return http.get().uri(uri -> uri.path("/api/v1/presence").queryParam("userIds", String.join(",", userIds)).build())
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .retrieve().bodyToFlux(UserPresence.class).timeout(TIMEOUT)
                .onErrorMap(e -> UpstreamRefusal.of(e, json, SERVICE));
    }

    /** As presence-service answers it: {@code status} online, offline or unknown; {@code lastSeenAt} null when never seen. */
    public record UserPresence(String userId, String status, Instant lastSeenAt) {
    }

    private static Mono<Void> ignore(String what, Throwable e) {
        log.debug("Presence {} not reported: {}", what, e.getClass().getSimpleName());
        return Mono.empty();
    }
}
