package io.parley.chat.edge.clients;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

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
    /** presence-service takes at most 50 per call (their tokens fill its 64 KB body limit). */
    static final int HEARTBEATS_PER_CALL = 50;
    private static final int HEARTBEAT_CALLS_IN_FLIGHT = 4;

    private final WebClient http;
    private final String edgeId;
    private final JsonMapper json;
    private final AtomicBoolean warnedNoBatches = new AtomicBoolean();

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

    /** One socket's heartbeat: its session, and the token of the user on it. */
    public record Heartbeat(String sessionId, String token) {

        /** Without the token: whatever prints a heartbeat must not put a credential in a log. */
        @Override
        public String toString() {
            return "Heartbeat[sessionId=" + sessionId + "]";
        }
    }

    /**
     * The heartbeats due at one tick of the socket clock, {@value #HEARTBEATS_PER_CALL} per
     * call: presence-service verifies each entry's token as it would a request's. A
     * presence-service without that endpoint (an older one, during a rollout: it answers
     * 401, 404 or 405) gets them one call per socket, as before.
     */
    public Mono<Void> alive(List<Heartbeat> heartbeats) {
        return Flux.fromIterable(heartbeats)
                .buffer(HEARTBEATS_PER_CALL)
                .flatMap(batch -> http.put().uri("/internal/v1/presence/heartbeats")
                        .bodyValue(Map.of("edgeId", edgeId, "sessions", batch))
                        .retrieve().toBodilessEntity().timeout(TIMEOUT).then()
                        .onErrorResume(PresenceClient::noBatchEndpoint, e -> oneByOne(batch))
                        .onErrorResume(e -> ignore("heartbeat", e)), HEARTBEAT_CALLS_IN_FLIGHT)
                .then();
    }

    private Mono<Void> oneByOne(List<Heartbeat> heartbeats) {
        if (!warnedNoBatches.getAndSet(true)) {
            log.warn("presence-service has no batch heartbeat endpoint; sending heartbeats one call per socket");
        }
        return Flux.fromIterable(heartbeats)
                .flatMap(beat -> alive(beat.token(), beat.sessionId()), HEARTBEAT_CALLS_IN_FLIGHT)
                .then();
    }

    private static boolean noBatchEndpoint(Throwable e) {
        return e instanceof WebClientResponseException response
                && (response.getStatusCode().value() == 401 || response.getStatusCode().value() == 404
                || response.getStatusCode().value() == 405);
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
