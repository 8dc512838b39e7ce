package io.parley.chat.kit.membership;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.parley.chat.contracts.events.ConversationEvent;
import io.parley.chat.kit.logging.ThrottledWarning;
import io.parley.chat.kit.membership.MembershipProblems.ConversationNotFound;
import io.parley.chat.kit.membership.MembershipProblems.MembershipUnavailable;
import io.parley.chat.kit.security.ChatPrincipal;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Asks conversation-service whether the caller is a member, relaying the caller's token
 * so that it authorizes as that user. Positive answers are cached per (tenant,
 * conversation, user) until a membership event invalidates them ({@link #forget}, from
 * Kafka or conversation-service's stored list, see {@link ConversationEvents}) or the TTL passes;
 * refusals are never cached, so a member who was just added is let in at once.
 */
public class MembershipClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    /**
     * One line per 10 s while checks fail; the cache's own warning for each failed check is
     * off (ServiceKitDefaults), as it would be a stack trace per call during an outage.
     */
    private static final ThrottledWarning UNAVAILABLE = new ThrottledWarning(
            LoggerFactory.getLogger(MembershipClient.class), Duration.ofSeconds(10));

    private final WebClient http;
    private final AsyncCache<Key, String> members;

    public MembershipClient(WebClient.Builder builder, MembershipProperties properties) {
        this.http = builder.baseUrl(properties.conversationServiceUrl().toString()).build();
        this.members = Caffeine.newBuilder()
                .expireAfterWrite(properties.cacheTtl())
                .maximumSize(100_000)
                .buildAsync();
    }

    /**
     * The caller's role in the conversation; fails with {@link ConversationNotFound} when not
     * a member and with {@link MembershipUnavailable} when conversation-service cannot answer.
     */
    public Mono<String> roleOf(ChatPrincipal caller, String conversationId) {
        Key key = new Key(caller.tenantId(), conversationId, caller.userId());
        // the cached future is shared by every caller of this key: each caller waits on a copy of it, so one that
        // gives up (its own timeout) cancels only its copy, not the check the others wait for
        return Mono.fromFuture(() -> members.get(key, (k, executor) -> fetch(caller, conversationId).toFuture()).copy())
                .onErrorMap(CompletionException.class, Throwable::getCause)
                .switchIfEmpty(Mono.error(() -> new ConversationNotFound(conversationId)));
    }

    /**
     * Forgets the cached answers an event makes stale: a removal's users, and a role change's
     * (a {@code ConversationUpdated} that names users); every user of the conversation when a
     * removal names none.
     */
    public void forget(ConversationEvent event) {
        boolean removal = event.type() == ConversationEvent.Type.MemberRemoved;
        boolean roleChange = event.type() == ConversationEvent.Type.ConversationUpdated && event.role() != null;
        if (!removal && !roleChange) {
            return;
        }
        List<String> users = event.userIds() == null ? List.of() : event.userIds();
        if (users.isEmpty()) {
            invalidate(event.tenantId(), event.conversationId(), null);
        } else {
            users.forEach(user -> invalidate(event.tenantId(), event.conversationId(), user));
        }
    }

    /** Forgets cached answers for a conversation, for every user or one. */
    public void invalidate(String tenantId, String conversationId, String userId) {
        members.synchronous().asMap().keySet().removeIf(k -> k.conversationId().equals(conversationId)
                && k.tenantId().equals(tenantId) && (userId == null || k.userId().equals(userId)));
    }

    private Mono<String> fetch(ChatPrincipal caller, String conversationId) {
        return http.get().uri("/internal/v1/conversations/{id}/membership", conversationId)
                .header(HttpHeaders.AUTHORIZATION, caller.bearer())
                .retrieve()
                .bodyToMono(Membership.class)
                .timeout(TIMEOUT)
                .retryWhen(Retry.backoff(2, Duration.ofMillis(50)).filter(MembershipClient::transientFailure))
                .doOnError(e -> !(e instanceof WebClientResponseException response && refusal(response)),
                        e -> UNAVAILABLE.warn("conversation-service", e,
                                "Membership cannot be checked: {} did not answer ({}, {}), so callers get a"
                                        + " retryable 503; at most one line per 10 s"))
                .map(membership -> membership.role() == null ? "member" : membership.role())
                // a refusal loads as null, which the cache drops without keeping or logging it: a flood of
                // subscribes by non-members is no flood of warnings
                .onErrorResume(WebClientResponseException.class,
                        e -> refusal(e) ? Mono.empty() : Mono.error(new MembershipUnavailable()))
                .onErrorMap(e -> !(e instanceof MembershipUnavailable), e -> new MembershipUnavailable());
    }

    private static boolean refusal(WebClientResponseException e) {
        return e.getStatusCode() == HttpStatus.NOT_FOUND || e.getStatusCode() == HttpStatus.FORBIDDEN;
    }

    private static boolean transientFailure(Throwable e) {
        return e instanceof WebClientRequestException || e instanceof TimeoutException
                || e instanceof WebClientResponseException r && r.getStatusCode().is5xxServerError();
    }

    record Key(String tenantId, String conversationId, String userId) {
    }

    record Membership(String conversationId, String userId, String role) {
    }
}
