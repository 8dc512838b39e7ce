package io.parley.chat.message.message;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

import io.micrometer.core.instrument.MeterRegistry;
import io.parley.chat.kit.security.ChatPrincipal;
import io.parley.chat.message.config.MessageProperties;
import io.parley.chat.message.membership.MembershipClient;
import io.parley.chat.message.message.messaging.MessagePublisher;
import io.parley.chat.message.message.persistence.MessageStore;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The send path: authorize, find a repeat, take a seq, insert, answer, publish. A
 * message is answered only once stored (persist before emit); publishing is attempted
 * before answering so the sender's ack and the live event usually travel together, but
 * a failed publish never fails a stored send: the sweeper publishes it later.
 */
@Service
public class MessageService {

    private static final Logger log = LoggerFactory.getLogger(MessageService.class);
    private static final int MAX_SEQ_ATTEMPTS = 5;
    /** How long a repeat waits for the attempt that holds the claim: 40 x 50 ms. */
    private static final int CLAIM_WAIT_ROUNDS = 40;
    private static final java.time.Duration CLAIM_WAIT_STEP = java.time.Duration.ofMillis(50);
    /** An attempt that held a claim this long without inserting died; its claim may be taken over. */
    private static final java.time.Duration CLAIM_TAKEOVER_AFTER = java.time.Duration.ofSeconds(10);

    private final MessageStore store;
    private final MembershipClient membership;
    private final MessagePublisher publisher;
    private final MessageProperties properties;
    private final BodyRules bodyRules;
    private final MeterRegistry metrics;

    MessageService(MessageStore store, MembershipClient membership, MessagePublisher publisher,
                   MessageProperties properties, MeterRegistry metrics) {
        this.store = store;
        this.membership = membership;
        this.publisher = publisher;
        this.properties = properties;
        this.bodyRules = new BodyRules(properties.bodyMaxLength());
        this.metrics = metrics;
        // every outcome is a series from the start, so rates and alerts see 0 rather than nothing
        for (String result : new String[] {"created", "repeat", "refused"}) {
            metrics.counter("chat.messages.sent", "result", result);
        }
    }

    public Mono<SendResult> send(ChatPrincipal sender, String conversationId, String clientMsgId, String rawBody) {
        return Mono.fromCallable(() -> new SendCommand(sender, conversationId, clientMsgId, bodyRules.normalise(rawBody)))
                .flatMap(cmd -> membership.requireMember(sender, conversationId).thenReturn(cmd))
                .flatMap(cmd -> findRepeat(cmd).switchIfEmpty(Mono.defer(() -> store(cmd))))
                .flatMap(this::publishIfNew)
                .doOnNext(result -> metrics.counter("chat.messages.sent", "result",
                        result.created() ? "created" : "repeat").increment())
                .doOnError(e -> metrics.counter("chat.messages.sent", "result", "refused").increment());
    }

    public Mono<HistoryPage> history(ChatPrincipal caller, String conversationId, Long afterSeq, Long beforeSeq, int limit) {
        return membership.requireMember(caller, conversationId)
                .then(store.page(caller.tenantId(), conversationId, afterSeq, beforeSeq, limit + 1).collectList())
                .map(page -> HistoryPage.of(page, limit, afterSeq != null));
    }

    private Mono<SendResult> findRepeat(SendCommand cmd) {
        return store.findByIdempotencyKey(cmd.conversationId(), cmd.sender().userId(), cmd.clientMsgId())
                .map(existing -> new SendResult(existing, false));
    }

    /**
     * Owns the idempotency key, then takes a seq and inserts. A repeat that finds the key
     * claimed waits for that attempt's message; a claim left by a dead attempt is taken
     * over after {@link #CLAIM_TAKEOVER_AFTER}.
     */
    private Mono<SendResult> store(SendCommand cmd) {
        String key = cmd.conversationId() + "|" + cmd.sender().userId() + "|" + cmd.clientMsgId();
        String messageId = UUID.randomUUID().toString();
        return store.claim(key, messageId, Instant.now())
                .flatMap(claimed -> claimed ? insertWithSeq(cmd, messageId) : awaitFirstAttempt(cmd, key));
    }

    private Mono<SendResult> awaitFirstAttempt(SendCommand cmd, String key) {
        return findRepeat(cmd)
                .repeatWhenEmpty(CLAIM_WAIT_ROUNDS, rounds -> rounds.delayElements(CLAIM_WAIT_STEP))
                .switchIfEmpty(Mono.defer(() -> store.takeOverClaim(key, Instant.now().minus(CLAIM_TAKEOVER_AFTER),
                                UUID.randomUUID().toString(), Instant.now())
                        .flatMap(messageId -> insertWithSeq(cmd, messageId))
                        .switchIfEmpty(Mono.error(new MessageProblems.SendInProgress()))));
    }

    /**
     * Takes a seq and inserts. Invariant: a seq names at most one entry (unique index),
     * and every seq taken is eventually filled, by this insert or by the sweeper's
     * tombstone. If the insert finds its idempotency key taken (a claim takeover raced
     * the original attempt), answer with the message that won. If it finds its seq taken (a tombstone filled it while we
     * were slow), take a new one.
     */
    private Mono<SendResult> insertWithSeq(SendCommand cmd, String messageId) {
        return Mono.defer(() -> store.nextSeq(cmd.conversationId())
                        .flatMap(seq -> store.insert(newMessage(cmd, messageId, seq))))
                .map(message -> new SendResult(message, true))
                .onErrorResume(DuplicateKeyException.class, e -> findRepeat(cmd)
                        .switchIfEmpty(Mono.error(new SeqTaken())))
                .retryWhen(Retry.max(MAX_SEQ_ATTEMPTS).filter(SeqTaken.class::isInstance));
    }

    private Mono<SendResult> publishIfNew(SendResult result) {
        if (!result.created()) {
            return Mono.just(result);
        }
        return publisher.publish(result.message(), properties.publishTimeout())
                .thenReturn(result)
                .onErrorResume(e -> {
                    log.warn("Message {} in {} stored but not yet published ({}); the sweeper will publish it",
                            result.message().seq(), result.message().conversationId(), e.getClass().getSimpleName());
                    return Mono.just(result);
                });
    }

    private static Message newMessage(SendCommand cmd, String messageId, long seq) {
        return new Message(messageId, cmd.sender().tenantId(), cmd.conversationId(), seq,
                Message.CREATED, cmd.sender().userId(), cmd.clientMsgId(), cmd.body(),
                Instant.now().truncatedTo(ChronoUnit.MILLIS), null);
    }

    /** The seq taken for an insert was filled by someone else; a fresh one is needed. */
    static final class SeqTaken extends RuntimeException {
        SeqTaken() {
            super(null, null, false, false);
        }
    }

    /** One page of history, ascending by seq. */
    public record HistoryPage(List<Message> messages, boolean hasMore) {
        static HistoryPage of(List<Message> page, int limit, boolean forward) {
            if (page.size() <= limit) {
                return new HistoryPage(page, false);
            }
            // one extra entry was read to learn that more exist: drop it from the far end of the reading direction
            return new HistoryPage(forward ? page.subList(0, limit) : page.subList(1, page.size()), true);
        }
    }
}
