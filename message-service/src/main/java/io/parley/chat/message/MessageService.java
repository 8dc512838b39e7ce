package io.parley.chat.message;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.LongFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.TraceContext;
import io.parley.chat.kit.page.Page;
import io.parley.chat.kit.security.ChatPrincipal;
import io.parley.chat.kit.tracing.CurrentTrace;
import io.parley.chat.kit.tracing.Traceparent;
import io.parley.chat.message.config.MessageProperties;
import io.parley.chat.kit.membership.MembershipClient;
import io.parley.chat.message.MessageProblems.MessageNotFound;
import io.parley.chat.message.MessageProblems.NotYourMessage;
import io.parley.chat.message.messaging.MessagePublisher;
import io.parley.chat.message.messaging.SweepCadence;
import io.parley.chat.message.persistence.MessageStore;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.ContextView;
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
    /**
     * How long a repeat waits before each look for the message of the attempt that holds the
     * claim: 2 s in all, in six looks. The waits grow because a repeat usually comes while the
     * store is slow (the client heard nothing in time), and fixed 50 ms looks made each repeat
     * forty more reads on that slow store.
     */
    private static final List<Duration> CLAIM_WAITS = List.of(Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(600), Duration.ofMillis(650));
    /** An attempt that held a claim this long without inserting died; its claim may be taken over. */
    private static final Duration CLAIM_TAKEOVER_AFTER = Duration.ofSeconds(10);
    /** Sends to one conversation stored together at most: one insert of this many documents stays small. */
    private static final int MAX_SENDS_PER_BATCH = 64;

    private final MessageStore store;
    private final MembershipClient membership;
    private final MessagePublisher publisher;
    private final SweepCadence cadence;
    private final MessageProperties properties;
    private final BodyRules bodyRules;
    private final GroupCommit<PendingSend, Mono<SendResult>> sends;
    private final Counter created;
    private final Counter repeated;
    private final Counter refused;
    private final DistributionSummary batchSizes;

    MessageService(MessageStore store, MembershipClient membership, MessagePublisher publisher,
                   MessageProperties properties, SweepCadence cadence, MeterRegistry metrics) {
        this.store = store;
        this.cadence = cadence;
        this.membership = membership;
        this.publisher = publisher;
        this.properties = properties;
        this.bodyRules = new BodyRules(properties.bodyMaxLength());
        this.sends = new GroupCommit<>(MAX_SENDS_PER_BATCH, this::commitSends);
        // every outcome is a series from the start, so rates and alerts see 0 rather than nothing
        this.created = metrics.counter("chat.messages.sent", "result", "created");
        this.repeated = metrics.counter("chat.messages.sent", "result", "repeat");
        this.refused = metrics.counter("chat.messages.sent", "result", "refused");
        this.batchSizes = DistributionSummary.builder("chat.message.send.batch")
                .description("Sends to one conversation stored together by one claim, seq and insert round trip")
                .register(metrics);
    }

    public Mono<SendResult> send(ChatPrincipal sender, String conversationId, String clientMsgId, String rawBody) {
        return Mono.deferContextual(request -> Mono.fromCallable(() -> new SendCommand(sender, conversationId, clientMsgId,
                        bodyRules.normalise(rawBody), traceparent(request))))
                .flatMap(cmd -> membership.roleOf(sender, conversationId).thenReturn(cmd))
                .flatMap(this::submit)
                .doOnError(e -> refused.increment());
    }

    /**
     * Several sends of one sender to one conversation, stored in the order given: their seqs
     * rise in that order (unless one's seq had to be taken again after a fault, see
     * {@link #commitSends}). Membership is checked once. Answers one outcome per send, in
     * order: a body that breaks the rules fails only its own send.
     */
    public Flux<SendOutcome> sendAll(ChatPrincipal sender, String conversationId, List<SendRequest> requests) {
        return Flux.deferContextual(request -> sendAll(sender, conversationId, requests, traceparent(request)));
    }

    private Flux<SendOutcome> sendAll(ChatPrincipal sender, String conversationId, List<SendRequest> requests,
                                      String traceparent) {
        return membership.roleOf(sender, conversationId)
                .doOnError(e -> refused.increment(requests.size()))
                .thenMany(Flux.fromIterable(requests))
                // flatMapSequential subscribes to each send as it comes, so they join the
                // conversation's group commit in the order given, and answers in that order
                .flatMapSequential(request -> Mono.fromCallable(() -> new SendCommand(sender, conversationId,
                                        request.clientMsgId(), bodyRules.normalise(request.body()), traceparent))
                                .flatMap(this::submit)
                                .map(SendOutcome::stored)
                                .onErrorResume(e -> {
                                    refused.increment();
                                    return Mono.just(SendOutcome.failed(e));
                                }),
                        Math.max(1, requests.size()));
    }

    private Mono<SendResult> submit(SendCommand cmd) {
        return sends.submit(cmd.sender().tenantId() + "|" + cmd.conversationId(),
                        new PendingSend(cmd, UUID.randomUUID().toString()))
                .flatMap(Function.identity())
                .doOnNext(result -> (result.created() ? created : repeated).increment());
    }

    /**
     * The trace context of the request a pipeline serves (its server span), read from the
     * Reactor context: group commit stores one request's send from whichever request's
     * pipeline commits the batch, so a thread-local would name the wrong one.
     */
    private static String traceparent(ContextView request) {
        TraceContext trace = CurrentTrace.ofReactorContext(request);
        return trace == null ? null : Traceparent.of(trace).header();
    }

    /** One send of {@link #sendAll}. */
    public record SendRequest(String clientMsgId, String body) {
    }

    /** What became of one send of {@link #sendAll}: its result, or why it failed. */
    public record SendOutcome(SendResult result, Throwable failure) {

        static SendOutcome stored(SendResult result) {
            return new SendOutcome(result, null);
        }

        static SendOutcome failed(Throwable failure) {
            return new SendOutcome(null, failure);
        }
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
                                    original.senderId(), null, body, original.createdAt(), now, null))
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
                                original.senderId(), null, null, original.createdAt(), now(), null)))
                        .flatMap(this::publishQuietly));
    }

    /**
     * A page of history in seq order: forward from {@code afterSeq} when it is set, otherwise
     * the newest entries (below {@code beforeSeq} when set); its cursor goes on in the same
     * direction and is null when nothing more is in the window.
     */
    public Mono<Page<Message>> history(ChatPrincipal caller, String conversationId, Long afterSeq, Long beforeSeq,
                                       int limit) {
        return membership.roleOf(caller, conversationId)
                .then(store.page(caller.tenantId(), conversationId, afterSeq, beforeSeq, limit + 1).collectList())
                .map(page -> historyPage(conversationId, page, limit, afterSeq, beforeSeq));
    }

    /**
     * Up to {@code limit} entries after {@code afterSeq}, in seq order, straight from the
     * store's cursor as they are read: nothing is collected, so a page of the largest
     * entries costs a reader only what it has not taken yet. Membership is checked before
     * the first entry, so a refusal is still an HTTP status.
     */
    public Flux<Message> streamAfter(ChatPrincipal caller, String conversationId, long afterSeq, int limit) {
        return membership.roleOf(caller, conversationId)
                .thenMany(store.page(caller.tenantId(), conversationId, afterSeq, null, limit));
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
     * Stores one batch of sends to a conversation (see {@link GroupCommit}): one write
     * claims every idempotency key, one {@code $inc} takes a seq for each send that owns its
     * key, one write inserts them all, and their events go to Kafka in seq order. So a
     * batch costs three store round trips whatever its size. Each send gets back the rest
     * of its own way: waiting for its Kafka acknowledgement; or, when another attempt
     * owns its key, that attempt's message; or, when its insert found the seq or the key
     * taken, the single-send path.
     *
     * <p>The claim is the first write, so a first attempt costs no lookup; a repeat finds
     * the key claimed and answers with the first attempt's message, waiting for it while
     * that attempt is still running; a claim left by a dead attempt is taken over after
     * {@link #CLAIM_TAKEOVER_AFTER}.
     *
     * <p>The invariant of {@link #append} holds for a batch too: the {@code $inc} hands out
     * one seq per claimed send, each is filled by the insert or else by the hole sweeper's
     * tombstone, and a send whose seq was filled meanwhile takes a new one.
     */
    private Mono<List<Mono<SendResult>>> commitSends(String lane, List<PendingSend> batch) {
        batchSizes.record(batch.size());
        SendCommand first = batch.get(0).cmd();
        String conversationId = first.conversationId();
        String tenantId = first.sender().tenantId();
        return store.claimAll(batch.stream().map(PendingSend::claim).toList(), Instant.now())
                .flatMap(owned -> {
                    List<PendingSend> claimed = new ArrayList<>();
                    for (int i = 0; i < batch.size(); i++) {
                        if (owned.get(i)) {
                            claimed.add(batch.get(i));
                        }
                    }
                    if (claimed.isEmpty()) {
                        return Mono.just(Map.<PendingSend, Mono<SendResult>>of());
                    }
                    return store.reserveSeqs(conversationId, tenantId, claimed.size())
                            .flatMap(last -> insertClaimed(claimed, last - claimed.size() + 1));
                })
                .map(outcomes -> batch.stream()
                        .map(send -> outcomes.getOrDefault(send, Mono.defer(() -> awaitFirstAttempt(send.cmd(), send.key()))))
                        .toList())
                .doOnError(e -> cadence.suspect()); // seqs may have been taken and not filled
    }

    /** Inserts claimed sends at {@code firstSeq, firstSeq + 1, ...} and publishes what was stored, in seq order. */
    private Mono<Map<PendingSend, Mono<SendResult>>> insertClaimed(List<PendingSend> claimed, long firstSeq) {
        Instant now = now();
        List<Message> entries = new ArrayList<>(claimed.size());
        for (int i = 0; i < claimed.size(); i++) {
            SendCommand cmd = claimed.get(i).cmd();
            String messageId = claimed.get(i).messageId();
            entries.add(new Message(messageId, messageId, cmd.sender().tenantId(), cmd.conversationId(), firstSeq + i,
                    Message.CREATED, cmd.sender().userId(), cmd.clientMsgId(), cmd.body(), now, null, cmd.traceparent()));
        }
        return store.insertAll(entries)
                .flatMap(stored -> {
                    List<Message> inserted = new ArrayList<>();
                    Map<PendingSend, Mono<SendResult>> outcomes = new HashMap<>();
                    for (int i = 0; i < claimed.size(); i++) {
                        PendingSend send = claimed.get(i);
                        if (stored.get(i)) {
                            inserted.add(entries.get(i));
                        } else {
                            // its seq was tombstoned meanwhile, or a takeover of its claim stored the message first
                            outcomes.put(send, Mono.defer(() -> findRepeat(send.cmd())
                                    .switchIfEmpty(insertSend(send.cmd(), send.messageId()))));
                        }
                    }
                    return publishAllQuietly(inserted).map(published -> {
                        for (int i = 0, j = 0; i < claimed.size(); i++) {
                            if (stored.get(i)) {
                                outcomes.put(claimed.get(i), published.get(j++).map(message -> new SendResult(message, true)));
                            }
                        }
                        return outcomes;
                    });
                });
    }

    private Mono<SendResult> awaitFirstAttempt(SendCommand cmd, String key) {
        // repeatWhenEmpty with a maximum fails when the maximum is reached; a companion that
        // completes after the last round ends it empty, so that the stale claim is taken over
        return findRepeat(cmd)
                .repeatWhenEmpty(rounds -> rounds.take(CLAIM_WAITS.size())
                        .concatMap(round -> Mono.delay(CLAIM_WAITS.get(round.intValue()))))
                .switchIfEmpty(Mono.defer(() -> store.takeOverClaim(key, Instant.now().minus(CLAIM_TAKEOVER_AFTER),
                                UUID.randomUUID().toString(), Instant.now())
                        .flatMap(messageId -> insertSend(cmd, messageId))
                        .switchIfEmpty(Mono.error(new MessageProblems.SendInProgress()))));
    }

    /**
     * The single-send path, for what a batch could not store: takes a seq, inserts and
     * publishes. If the insert finds its idempotency key taken (a claim takeover raced the
     * original attempt), answer with the message that won.
     */
    private Mono<SendResult> insertSend(SendCommand cmd, String messageId) {
        Instant now = now();
        return append(cmd.conversationId(), cmd.sender().tenantId(), seq -> new Message(messageId, messageId,
                        cmd.sender().tenantId(), cmd.conversationId(), seq, Message.CREATED, cmd.sender().userId(),
                        cmd.clientMsgId(), cmd.body(), now, null, cmd.traceparent()))
                .flatMap(this::publishQuietly)
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
                .retryWhen(Retry.max(MAX_SEQ_ATTEMPTS).filter(SeqTaken.class::isInstance))
                .doOnError(e -> cadence.suspect())
                .doOnCancel(cadence::suspect); // a seq may have been taken and not filled
    }

    /**
     * Hands the stored entries to Kafka in order, off the event loop; answers one Mono per
     * entry that waits for its acknowledgement, or stops waiting (the sweeper publishes it
     * later) when Kafka fails or has just failed.
     */
    private Mono<List<Mono<Message>>> publishAllQuietly(List<Message> messages) {
        if (messages.isEmpty()) {
            return Mono.just(List.of());
        }
        if (!publisher.available()) {
            cadence.suspect(); // left to the sweeper
            return Mono.just(messages.stream().map(Mono::just).toList());
        }
        return Mono.fromCallable(() -> publisher.publishAll(messages, properties.publishTimeout()))
                .subscribeOn(Schedulers.boundedElastic())
                .map(acks -> {
                    List<Mono<Message>> quiet = new ArrayList<>(acks.size());
                    for (int i = 0; i < acks.size(); i++) {
                        quiet.add(unpublishedIsFine(acks.get(i), messages.get(i)));
                    }
                    return quiet;
                });
    }

    private Mono<Message> publishQuietly(Message message) {
        if (!publisher.available()) {
            cadence.suspect(); // left to the sweeper
            return Mono.just(message);
        }
        return unpublishedIsFine(publisher.publish(message, properties.publishTimeout()), message);
    }

    private Mono<Message> unpublishedIsFine(Mono<Message> publishing, Message message) {
        return publishing.onErrorResume(e -> {
            cadence.suspect();
            log.warn("Entry {} of {} stored but not yet published ({}); the sweeper will publish it",
                    message.seq(), message.conversationId(), e.getClass().getSimpleName());
            return Mono.just(message);
        });
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    /** A send waiting for its batch; equal only to itself, so that two repeats in one batch stay apart. */
    private static final class PendingSend {

        private final SendCommand cmd;
        private final String messageId;

        PendingSend(SendCommand cmd, String messageId) {
            this.cmd = cmd;
            this.messageId = messageId;
        }

        SendCommand cmd() {
            return cmd;
        }

        String messageId() {
            return messageId;
        }

        String key() {
            return cmd.conversationId() + "|" + cmd.sender().userId() + "|" + cmd.clientMsgId();
        }

        MessageStore.Claim claim() {
            return new MessageStore.Claim(key(), messageId);
        }
    }

    /** The seq taken for an insert was filled by someone else; a fresh one is needed. */
    static final class SeqTaken extends RuntimeException {
        SeqTaken() {
            super(null, null, false, false);
        }
    }

    /** One page of history, ascending by seq, from up to {@code limit + 1} entries read in that window. */
    static Page<Message> historyPage(String conversationId, List<Message> page, int limit, Long afterSeq,
                                     Long beforeSeq) {
        if (page.size() <= limit) {
            return new Page<>(page, null);
        }
        // one extra entry was read to learn that more exist: drop it from the far end of the reading direction
        if (afterSeq != null) {
            List<Message> kept = page.subList(0, limit);
            return new Page<>(kept, new HistoryCursor(conversationId, kept.get(limit - 1).seq(), beforeSeq).encode());
        }
        List<Message> kept = page.subList(1, page.size());
        return new Page<>(kept, new HistoryCursor(conversationId, null, kept.get(0).seq()).encode());
    }
}
