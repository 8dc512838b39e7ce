package io.parley.chat.message.message;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.function.LongFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.chat.kit.security.ChatPrincipal;
import io.parley.chat.message.config.MessageProperties;
import io.parley.chat.kit.membership.MembershipClient;
import io.parley.chat.message.message.MessageProblems.MessageNotFound;
import io.parley.chat.message.message.MessageProblems.NotYourMessage;
import io.parley.chat.message.message.messaging.MessagePublisher;
import io.parley.chat.message.message.persistence.MessageStore;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The conversation log: send, edit, delete, history. Every change is answered only once
 * stored (persist before emit). Publishing is attempted before answering, so that the
 * sender's ack and the live event usually travel together, but a failed publish never
 * fails a stored change: the sweeper publishes it later.
 */
@Service
public class MessageService {

    private static final Logger log = LoggerFactory.getLogger(MessageService.class);
    private static final int MAX_SEQ_ATTEMPTS = 5;
    /** How long a repeat waits for the attempt that holds the claim: 40 x 50 ms. */
    private static final int CLAIM_WAIT_ROUNDS = 40;
    private static final Duration CLAIM_WAIT_STEP = Duration.ofMillis(50);
    /** An attempt that held a claim this long without inserting died; its claim may be taken over. */
    private static final Duration CLAIM_TAKEOVER_AFTER = Duration.ofSeconds(10);

    private final MessageStore store;
    private final MembershipClient membership;
    private final MessagePublisher publisher;
    private final MessageProperties properties;
    private final BodyRules bodyRules;
    private final Counter created;
    private final Counter repeated;
    private final Counter refused;

    MessageService(MessageStore store, MembershipClient membership, MessagePublisher publisher,
                   MessageProperties properties, MeterRegistry metrics) {
        this.store = store;
        this.membership = membership;
        this.publisher = publisher;
        this.properties = properties;
        this.bodyRules = new BodyRules(properties.bodyMaxLength());
        // every outcome is a series from the start, so rates and alerts see 0 rather than nothing
        this.created = metrics.counter("chat.messages.sent", "result", "created");
        this.repeated = metrics.counter("chat.messages.sent", "result", "repeat");
        this.refused = metrics.counter("chat.messages.sent", "result", "refused");
    }

    public Mono<SendResult> send(ChatPrincipal sender, String conversationId, String clientMsgId, String rawBody) {
        return Mono.fromCallable(() -> new SendCommand(sender, conversationId, clientMsgId, bodyRules.normalise(rawBody)))
                .flatMap(cmd -> membership.roleOf(sender, conversationId).thenReturn(cmd))
                .flatMap(this::store)
                .flatMap(this::publishIfNew)
                .doOnNext(result -> (result.created() ? created : repeated).increment())
                .doOnError(e -> refused.increment());
    }

    /** Replaces the text of the caller's own message; the edit is a new entry with its own seq. */
    public Mono<Message> edit(ChatPrincipal caller, String conversationId, long seq, String rawBody) {
        return Mono.fromCallable(() -> bodyRules.normalise(rawBody))
                .flatMap(body -> membership.roleOf(caller, conversationId)
                        .then(liveMessage(caller, conversationId, seq))
                        .filter(original -> original.senderId().equals(caller.userId()))
                        .switchIfEmpty(Mono.error(new NotYourMessage(seq)))
                        .flatMap(original -> {
                            Instant now = now();
                            return append(conversationId, caller.tenantId(), next -> new Message(UUID.randomUUID().toString(),
                                    original.messageId(), caller.tenantId(), conversationId, next, Message.EDITED,
                                    original.senderId(), null, body, original.createdAt(), now))
                                    .flatMap(edit -> store.updateBody(original.entryId(), body, now).thenReturn(edit));
                        }))
                .flatMap(this::publishQuietly);
    }

    /**
     * Deletes a message (its sender, or an owner or admin of the conversation). The text
     * is removed from every stored entry of the message; the delete is a new entry.
     */
    public Mono<Message> delete(ChatPrincipal caller, String conversationId, long seq) {
        return membership.roleOf(caller, conversationId)
                .flatMap(role -> liveMessage(caller, conversationId, seq)
                        .filter(original -> original.senderId().equals(caller.userId())
                                || "owner".equals(role) || "admin".equals(role))
                        .switchIfEmpty(Mono.error(new NotYourMessage(seq))))
                .flatMap(original -> store.scrub(conversationId, original.messageId())
                        .then(append(conversationId, caller.tenantId(), next -> new Message(UUID.randomUUID().toString(),
                                original.messageId(), caller.tenantId(), conversationId, next, Message.DELETED,
                                original.senderId(), null, null, original.createdAt(), now())))
                        .flatMap(this::publishQuietly));
    }

    public Mono<HistoryPage> history(ChatPrincipal caller, String conversationId, Long afterSeq, Long beforeSeq, int limit) {
        return membership.roleOf(caller, conversationId)
                .then(store.page(caller.tenantId(), conversationId, afterSeq, beforeSeq, limit + 1).collectList())
                .map(page -> HistoryPage.of(page, limit, afterSeq != null));
    }

    /** The sent message at {@code seq}, unless it was deleted. */
    private Mono<Message> liveMessage(ChatPrincipal caller, String conversationId, long seq) {
        return store.findBySeq(caller.tenantId(), conversationId, seq)
                .filter(entry -> entry.isCreated() && entry.body() != null)
                .switchIfEmpty(Mono.error(new MessageNotFound(conversationId, seq)));
    }

    private Mono<SendResult> findRepeat(SendCommand cmd) {
        return store.findByIdempotencyKey(cmd.conversationId(), cmd.sender().userId(), cmd.clientMsgId())
                .map(existing -> new SendResult(existing, false));
    }

    /**
     * Owns the idempotency key, then takes a seq and inserts. The claim is the first
     * write, so a first attempt costs no lookup; a repeat finds the key claimed and
     * answers with the first attempt's message, waiting for it while that attempt is
     * still running; a claim left by a dead attempt is taken over after
     * {@link #CLAIM_TAKEOVER_AFTER}.
     */
    private Mono<SendResult> store(SendCommand cmd) {
        String key = cmd.conversationId() + "|" + cmd.sender().userId() + "|" + cmd.clientMsgId();
        String messageId = UUID.randomUUID().toString();
        return store.claim(key, messageId, Instant.now())
                .flatMap(claimed -> claimed ? insertSend(cmd, messageId) : awaitFirstAttempt(cmd, key));
    }

    private Mono<SendResult> awaitFirstAttempt(SendCommand cmd, String key) {
        return findRepeat(cmd)
                .repeatWhenEmpty(CLAIM_WAIT_ROUNDS, rounds -> rounds.delayElements(CLAIM_WAIT_STEP))
                .switchIfEmpty(Mono.defer(() -> store.takeOverClaim(key, Instant.now().minus(CLAIM_TAKEOVER_AFTER),
                                UUID.randomUUID().toString(), Instant.now())
                        .flatMap(messageId -> insertSend(cmd, messageId))
                        .switchIfEmpty(Mono.error(new MessageProblems.SendInProgress()))));
    }

    /**
     * If the insert finds its idempotency key taken (a claim takeover raced the original
     * attempt), answer with the message that won.
     */
    private Mono<SendResult> insertSend(SendCommand cmd, String messageId) {
        Instant now = now();
        return append(cmd.conversationId(), cmd.sender().tenantId(), seq -> new Message(messageId, messageId,
                        cmd.sender().tenantId(), cmd.conversationId(), seq, Message.CREATED, cmd.sender().userId(),
                        cmd.clientMsgId(), cmd.body(), now, null))
                .map(message -> new SendResult(message, true))
                .onErrorResume(DuplicateKeyException.class, e -> findRepeat(cmd)
                        .switchIfEmpty(Mono.error(e)));
    }

    /**
     * Takes a seq and inserts the entry made for it. Invariant: a seq names at most one
     * entry (unique index on conversationId + seq), and every seq handed out is filled,
     * by this insert or, if it never happens, by the hole sweeper's tombstone after a
     * grace period. An insert that finds its seq already filled (the sweeper judged it
     * lost) takes a new one.
     */
    private Mono<Message> append(String conversationId, String tenantId, LongFunction<Message> entryAt) {
        return Mono.defer(() -> store.nextSeq(conversationId, tenantId)
                        .flatMap(seq -> store.insert(entryAt.apply(seq))
                                .onErrorResume(DuplicateKeyException.class, e -> store.findBySeq(tenantId, conversationId, seq)
                                        .flatMap(occupant -> Mono.<Message>error(new SeqTaken()))
                                        .switchIfEmpty(Mono.error(e)))))
                .retryWhen(Retry.max(MAX_SEQ_ATTEMPTS).filter(SeqTaken.class::isInstance));
    }

    private Mono<SendResult> publishIfNew(SendResult result) {
        return result.created() ? publishQuietly(result.message()).thenReturn(result) : Mono.just(result);
    }

    private Mono<Message> publishQuietly(Message message) {
        if (!publisher.available()) {
            return Mono.just(message);
        }
        return publisher.publish(message, properties.publishTimeout())
                .onErrorResume(e -> {
                    log.warn("Entry {} of {} stored but not yet published ({}); the sweeper will publish it",
                            message.seq(), message.conversationId(), e.getClass().getSimpleName());
                    return Mono.just(message);
                });
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
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
