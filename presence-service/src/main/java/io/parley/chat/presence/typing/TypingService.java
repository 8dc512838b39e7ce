package io.parley.chat.presence.typing;

import java.time.Clock;
import java.time.temporal.ChronoUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import io.parley.chat.kit.membership.MembershipClient;
import io.parley.chat.kit.membership.MembershipProblems.ConversationNotFound;
import io.parley.chat.kit.membership.MembershipProblems.MembershipUnavailable;
import io.parley.chat.kit.security.ChatPrincipal;
import io.parley.chat.presence.FailureLog;
import io.parley.chat.presence.NotAMember;
import io.parley.chat.presence.config.PresenceProperties;
import io.parley.chat.presence.messaging.PresenceEventPublisher;
import io.parley.chat.presence.typing.persistence.TypingThrottle;
import reactor.core.publisher.Mono;

/**
 * Relays a member's typing as a {@code Typing} event, at most once per throttle window per
 * user and conversation. Typing is a hint: when Redis, Kafka or the membership check
 * cannot answer, the frame is dropped ({@code false}) rather than failed, and a non-member
 * is refused before anything is published.
 */
@Service
public class TypingService {

    private static final Logger log = LoggerFactory.getLogger(TypingService.class);

    private final MembershipClient membership;
    private final TypingThrottle throttle;
    private final PresenceEventPublisher publisher;
    private final FailureLog failures;
    private final Clock clock = Clock.systemUTC();

    TypingService(MembershipClient membership, TypingThrottle throttle, PresenceEventPublisher publisher,
                  PresenceProperties properties) {
        this.membership = membership;
        this.throttle = throttle;
        this.publisher = publisher;
        this.failures = new FailureLog(log, properties.failureLogInterval());
    }

    /** Emits whether a Typing event was published. */
    public Mono<Boolean> typing(ChatPrincipal caller, String conversationId) {
        return authorize(caller, conversationId)
                .then(acquire(caller, conversationId))
                .flatMap(first -> first
                        ? publisher.publishTyping(caller.tenantId(), caller.userId(), conversationId,
                                clock.instant().truncatedTo(ChronoUnit.MILLIS))
                        : Mono.just(false))
                .onErrorResume(MembershipUnavailable.class, e -> degraded("Checking membership for typing", e));
    }

    private Mono<String> authorize(ChatPrincipal caller, String conversationId) {
        return membership.roleOf(caller, conversationId)
                .onErrorMap(ConversationNotFound.class, e -> new NotAMember(conversationId));
    }

    private Mono<Boolean> acquire(ChatPrincipal caller, String conversationId) {
        return throttle.tryAcquire(caller.tenantId(), caller.userId(), conversationId)
                .defaultIfEmpty(false)
                .onErrorResume(e -> degraded("Throttling typing", e));
    }

    private Mono<Boolean> degraded(String what, Throwable e) {
        failures.warn(what, e);
        return Mono.just(false);
    }
}
