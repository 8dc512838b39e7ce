package io.parley.chat.presence.api;

import java.util.List;

import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.parley.chat.kit.security.ChatPrincipal;
import io.parley.chat.presence.PresenceService;
import jakarta.validation.Valid;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The periodic heartbeats of a realtime-edge's sockets in one call per clock tick, instead
 * of one authenticated request per socket: at 15,000 sockets that was 750 requests a
 * second, whose framework cost (not Redis, not the token check, which is cached) kept most
 * of a core busy.
 *
 * <p>Each entry carries the socket user's token and is verified here exactly as a
 * request's bearer token is (signature, issuer, audience, expiry), and the session is
 * recorded for the user and tenant that token names. So the call itself needs no token
 * (its path is public in this service's security, and the gateway does not route it) and
 * can do nothing its tokens could not do one by one. An entry whose token fails is
 * refused on its own, without failing the others: a token can expire between the edge's
 * look and this call. Connects and disconnects stay single calls ({@link SessionController}):
 * they change what others see at once.
 */
@RestController
@RequestMapping("/internal/v1/presence/heartbeats")
class HeartbeatController {

    /** At most this many sessions per call (50 tokens fit the 64 KB body limit): the edge sends more as several calls. */
    static final int MAX_SESSIONS = 50;
    private static final int CONCURRENCY = 32;

    private final PresenceService presence;
    private final ReactiveJwtDecoder tokens;

    HeartbeatController(PresenceService presence, ReactiveJwtDecoder tokens) {
        this.presence = presence;
        this.tokens = tokens;
    }

    /** How many sessions were recorded, and the ids of those whose token was refused. */
    record HeartbeatResult(int accepted, List<String> refused) {
    }

    @PutMapping
    Mono<HeartbeatResult> beat(@Valid @RequestBody HeartbeatBatch batch) {
        return Flux.fromIterable(batch.sessions())
                .flatMap(this::refusedSession, CONCURRENCY)
                .collectList()
                .map(refused -> new HeartbeatResult(batch.sessions().size() - refused.size(), refused));
    }

    /** Records one session; its id when the token is refused, nothing when it was recorded. */
    private Mono<String> refusedSession(HeartbeatBatch.Heartbeat heartbeat) {
        return tokens.decode(heartbeat.token())
                .flatMap(jwt -> presence.touch(ChatPrincipal.from(jwt), heartbeat.sessionId()))
                .then(Mono.<String>empty())
                .onErrorResume(JwtException.class, e -> Mono.just(heartbeat.sessionId()));
    }
}
