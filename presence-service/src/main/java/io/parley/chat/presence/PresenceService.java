package io.parley.chat.presence;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import io.parley.chat.kit.directory.DirectoryProblems.UnknownUsers;
import io.parley.chat.kit.directory.UserDirectory;
import io.parley.chat.kit.security.ChatPrincipal;
import io.parley.chat.presence.config.PresenceProperties;
import io.parley.chat.presence.messaging.PresenceEventPublisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Tracks the caller's sessions and publishes their status transitions. Without Redis,
 * writes are dropped and reads answer {@code unknown}: a presence outage must not fail
 * connects, heartbeats or the pages that show status.
 */
@Service
public class PresenceService {

    private static final Logger log = LoggerFactory.getLogger(PresenceService.class);

    private final PresenceStore store;
    private final PresenceEventPublisher publisher;
    private final PresenceProperties properties;
    private final FailureLog failures;
    private final UserDirectory directory;
    private final Clock clock = Clock.systemUTC();

    public PresenceService(PresenceStore store, PresenceEventPublisher publisher, PresenceProperties properties,
                           UserDirectory directory) {
        this.directory = directory;
        this.store = store;
        this.publisher = publisher;
        this.properties = properties;
        this.failures = new FailureLog(log, properties.failureLogInterval());
    }

    /** Connect and heartbeat alike; only the first live session of an offline user publishes. */
    public Mono<Void> touch(ChatPrincipal caller, String sessionId) {
        Instant now = now();
        return store.touch(caller.tenantId(), caller.userId(), sessionId, now, now.plus(properties.sessionTtl()))
                .onErrorResume(e -> degradedWrite("Recording a session", e))
                .filter(Boolean::booleanValue)
                .flatMap(cameOnline -> publisher.publishChanged(caller.tenantId(), caller.userId(), Status.ONLINE, now));
    }

    /** Only the removal of the last live session publishes: other devices keep the user online. */
    public Mono<Void> remove(ChatPrincipal caller, String sessionId) {
        return store.remove(caller.tenantId(), caller.userId(), sessionId, now())
                .onErrorResume(e -> {
                    failures.warn("Removing a session", e);
                    return Mono.empty();
                })
                .flatMap(lastSeen -> publisher.publishChanged(caller.tenantId(), caller.userId(), Status.OFFLINE, lastSeen));
    }

    /**
     * Users of the caller's tenant only: the tenant comes from the token, never from the
     * request. If auth-service cannot say which ids exist, nothing is refused: presence is
     * soft state and must not depend on the directory (and the store is keyed by tenant, so
     * a foreign id only ever reads as offline).
     */
    public Flux<UserPresence> read(ChatPrincipal caller, List<String> userIds) {
        List<String> distinct = userIds.stream().distinct().toList();
        return directory.unknown(caller, distinct)
                .onErrorResume(e -> {
                    failures.warn("Checking user ids with auth-service", e);
                    return Mono.just(List.of());
                })
                .flatMap(unknown -> unknown.isEmpty() ? readStore(caller, distinct) : Mono.error(new UnknownUsers(unknown)))
                .flatMapIterable(presences -> presences);
    }

    private Mono<List<UserPresence>> readStore(ChatPrincipal caller, List<String> distinct) {
        return store.read(caller.tenantId(), distinct, now())
                .collectList()
                .onErrorResume(e -> {
                    failures.warn("Reading presence", e);
                    return Mono.just(distinct.stream().map(id -> new UserPresence(id, Status.UNKNOWN, null)).toList());
                });
    }

    private Mono<Boolean> degradedWrite(String what, Throwable e) {
        failures.warn(what, e);
        return Mono.just(false);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
