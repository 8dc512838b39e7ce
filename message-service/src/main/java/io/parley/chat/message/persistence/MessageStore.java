package io.parley.chat.message.persistence;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.List;

import org.bson.Document;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.BulkOperations;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveBulkOperations;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Repository;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.model.InsertManyOptions;

import io.parley.chat.message.Message;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The message log in Mongo. Two unique indexes carry the guarantees, so they hold across
 * every replica without transactions (which mongo-java-server lacks):
 * {@code (conversationId, seq)} makes each sequence number name exactly one entry, and
 * {@code (conversationId, senderId, clientMsgId)} makes a client's retry find the first
 * message instead of creating a second one.
 */
@Repository
public class MessageStore implements SmartInitializingSingleton {

    private static final String MESSAGES = "messages";
    private static final String COUNTERS = "counters";
    private static final String CLAIMS = "send_claims";
    private static final String REPLICAS = "message_replicas";
    private static final int DUPLICATE_KEY = 11000;

    private final ReactiveMongoTemplate mongo;

    MessageStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** Indexes exist before the service reports ready (startup, not a request path). */
    @Override
    public void afterSingletonsInstantiated() {
        var ops = mongo.indexOps(MESSAGES);
        Mono.when(
                ops.createIndex(new Index().on("conversationId", Sort.Direction.ASC).on("seq", Sort.Direction.ASC)
                        .unique().named("conversation_seq")),
                ops.createIndex(new Index().on("conversationId", Sort.Direction.ASC).on("senderId", Sort.Direction.ASC)
                        .on("clientMsgId", Sort.Direction.ASC).unique().named("idempotency_key")),
                ops.createIndex(new Index().on("published", Sort.Direction.ASC).on("createdAt", Sort.Direction.ASC)
                        .named("unpublished")),
                mongo.indexOps(COUNTERS).createIndex(new Index().on("dirty", Sort.Direction.ASC).named("dirty")))
                .block();
    }

    /**
     * Takes the next sequence number of a conversation: one atomic {@code $inc} on its
     * counter document, so concurrent senders on any replica never get the same number.
     * The counter is marked dirty: the hole sweeper will check that every number it handed
     * out gets an entry.
     */
    public Mono<Long> nextSeq(String conversationId, String tenantId) {
        return reserveSeqs(conversationId, tenantId, 1);
    }

    /**
     * Takes the next {@code count} sequence numbers of a conversation in one atomic
     * {@code $inc}; completes with the last of them, so the numbers taken are
     * {@code last - count + 1 .. last}. Marks the counter dirty like {@link #nextSeq}.
     */
    public Mono<Long> reserveSeqs(String conversationId, String tenantId, int count) {
        return mongo.findAndModify(Query.query(where("_id").is(conversationId)),
                        new Update().inc("seq", (long) count).set("tenantId", tenantId).set("dirty", true),
                        FindAndModifyOptions.options().upsert(true).returnNew(true), Document.class, COUNTERS)
                .map(counter -> ((Number) counter.get("seq")).longValue());
    }

    /** Counters that handed out numbers not yet checked for holes. */
    public Flux<SeqCounter> dirtyCounters(int limit) {
        return mongo.find(Query.query(where("dirty").is(true)).limit(limit), Document.class, COUNTERS)
                .map(SeqCounter::of);
    }

    /** Starts a grace period: numbers up to {@code seq} are checked once it has passed. */
    public Mono<Void> checkpoint(String conversationId, long checkedSeq, long seq, Instant at) {
        return mongo.updateFirst(Query.query(where("_id").is(conversationId)),
                Update.update("checkedSeq", checkedSeq).set("checkpointSeq", seq).set("checkpointAt", at),
                COUNTERS).then();
    }

    /** Clears the dirty mark, unless a number was handed out since {@code seq} was read. */
    public Mono<Void> markChecked(String conversationId, long seq) {
        return mongo.updateFirst(Query.query(where("_id").is(conversationId).and("seq").is(seq)),
                Update.update("dirty", false).set("checkedSeq", seq).unset("checkpointSeq").unset("checkpointAt"),
                COUNTERS).then();
    }

    /** The seqs that have an entry in {@code (after, upTo]}. */
    public Flux<Long> storedSeqs(String conversationId, long after, long upTo) {
        Query query = seqRange(conversationId, after, upTo);
        query.fields().include("seq");
        return mongo.find(query, Document.class, MESSAGES).map(d -> ((Number) d.get("seq")).longValue());
    }

    /**
     * How many seqs in {@code (after, upTo]} have an entry: one number instead of the seqs
     * themselves (a count over the {@code conversation_seq} index on MongoDB).
     */
    public Mono<Long> countStored(String conversationId, long after, long upTo) {
        return mongo.count(seqRange(conversationId, after, upTo), MESSAGES);
    }

    private static Query seqRange(String conversationId, long after, long upTo) {
        return Query.query(new Criteria().andOperator(where("conversationId").is(conversationId),
                where("seq").gt(after), where("seq").lte(upTo)));
    }

    /**
     * Claims idempotency keys, each for one attempt, before any seq is taken, so that a
     * concurrent repeat waits for the first attempt's message instead of taking a seq it
     * would never fill. One round trip (an unordered insert) for all of them; answers, per
     * claim in the given order, whether this attempt owns the key ({@code false}: another
     * attempt claimed it first).
     */
    public Mono<List<Boolean>> claimAll(List<Claim> claims, Instant now) {
        Date at = Date.from(now);
        List<Document> documents = claims.stream()
                .map(c -> new Document("_id", c.key()).append("messageId", c.messageId()).append("claimedAt", at))
                .toList();
        return insertUnordered(CLAIMS, documents);
    }

    /**
     * Inserts entries in one round trip (an unordered insert); answers, per entry in the
     * given order, whether it was stored ({@code false}: its seq or its idempotency key
     * was already taken). Any other write error fails the whole call.
     */
    public Mono<List<Boolean>> insertAll(List<Message> entries) {
        List<Document> documents = entries.stream().map(m -> {
            Document document = new Document();
            mongo.getConverter().write(MessageDocument.of(m), document);
            return document;
        }).toList();
        return insertUnordered(MESSAGES, documents);
    }

    /**
     * Inserts every document it can in one round trip; answers, per document in the given
     * order, whether it was stored ({@code false}: a unique key was already taken). Any
     * other write error, or a write concern not met, fails the whole call.
     */
    private Mono<List<Boolean>> insertUnordered(String collection, List<Document> documents) {
        List<Boolean> stored = new ArrayList<>(Collections.nCopies(documents.size(), Boolean.TRUE));
        return mongo.getCollection(collection)
                .flatMap(c -> Mono.from(c.insertMany(documents, new InsertManyOptions().ordered(false))))
                .thenReturn(stored)
                .onErrorResume(MongoBulkWriteException.class, e -> {
                    if (e.getWriteConcernError() != null
                            || e.getWriteErrors().stream().anyMatch(error -> error.getCode() != DUPLICATE_KEY)) {
                        return Mono.error(e);
                    }
                    e.getWriteErrors().forEach(error -> stored.set(error.getIndex(), Boolean.FALSE));
                    return Mono.just(stored);
                });
    }

    /** An idempotency key to claim for an attempt that will create {@code messageId}. */
    public record Claim(String key, String messageId) {
    }

    /** Takes over a claim whose attempt died (claimed before {@code staleBefore}); empty when it is still fresh. */
    public Mono<String> takeOverClaim(String key, Instant staleBefore, String messageId, Instant now) {
        return mongo.findAndModify(Query.query(where("_id").is(key).and("claimedAt").lt(staleBefore)),
                        Update.update("messageId", messageId).set("claimedAt", now),
                        FindAndModifyOptions.options().returnNew(true), Document.class, CLAIMS)
                .map(claim -> claim.getString("messageId"));
    }

    /** Inserts an entry; a taken seq or a repeated idempotency key fails with DuplicateKeyException. */
    public Mono<Message> insert(Message message) {
        return mongo.insert(MessageDocument.of(message), MESSAGES).map(MessageDocument::toMessage);
    }

    /** The entry at {@code seq}, if the caller's tenant has one. */
    public Mono<Message> findBySeq(String tenantId, String conversationId, long seq) {
        return mongo.findOne(Query.query(where("conversationId").is(conversationId).and("seq").is(seq)
                .and("tenantId").is(tenantId)), MessageDocument.class, MESSAGES).map(MessageDocument::toMessage);
    }

    /** Shows the current text on the message's created entry, so any history page shows it. */
    public Mono<Void> updateBody(String createdEntryId, String body, Instant editedAt) {
        return mongo.updateFirst(Query.query(where("_id").is(createdEntryId)),
                Update.update("body", body).set("editedAt", editedAt), MESSAGES).then();
    }

    /** Removes a deleted message's text from every entry that carries it: deleted means gone, not hidden. */
    public Mono<Void> scrub(String conversationId, String messageId) {
        Query query = Query.query(new Criteria().andOperator(where("conversationId").is(conversationId),
                new Criteria().orOperator(where("messageId").is(messageId), where("_id").is(messageId))));
        return mongo.updateMulti(query, new Update().unset("body").set("deleted", true), MESSAGES).then();
    }

    public Mono<Message> findByIdempotencyKey(String conversationId, String senderId, String clientMsgId) {
        return mongo.findOne(Query.query(where("conversationId").is(conversationId).and("senderId").is(senderId)
                        .and("clientMsgId").is(clientMsgId)), MessageDocument.class, MESSAGES)
                .map(MessageDocument::toMessage);
    }

    /**
     * A page of the log in ascending seq order. With {@code afterSeq} it reads forward
     * from there; otherwise it reads the newest entries (below {@code beforeSeq} when
     * given).
     */
    public Flux<Message> page(String tenantId, String conversationId, Long afterSeq, Long beforeSeq, int limit) {
        Criteria seq = where("seq");
        boolean bounded = false;
        if (afterSeq != null) {
            seq = seq.gt(afterSeq);
            bounded = true;
        }
        if (beforeSeq != null) {
            seq = seq.lt(beforeSeq);
            bounded = true;
        }
        Criteria criteria = where("conversationId").is(conversationId).and("tenantId").is(tenantId);
        Query query = bounded ? Query.query(new Criteria().andOperator(criteria, seq)) : Query.query(criteria);
        boolean forward = afterSeq != null;
        query.with(Sort.by(forward ? Sort.Direction.ASC : Sort.Direction.DESC, "seq")).limit(limit);
        Flux<Message> found = mongo.find(query, MessageDocument.class, MESSAGES).map(MessageDocument::toMessage);
        return forward ? found : found.sort(Comparator.comparingLong(Message::seq));
    }

    /**
     * Marks entries published in one round trip: one update per entry by {@code _id}, so
     * every one is an index lookup (an {@code $in} would make mongo-java-server scan).
     */
    public Mono<Void> markPublished(Collection<String> entryIds) {
        if (entryIds.isEmpty()) {
            return Mono.empty();
        }
        ReactiveBulkOperations bulk = mongo.bulkOps(BulkOperations.BulkMode.UNORDERED, MESSAGES);
        Update published = Update.update("published", true);
        entryIds.forEach(id -> bulk.updateOne(Query.query(where("_id").is(id)), published));
        return bulk.execute().then();
    }

    /**
     * Entries not yet marked published (the grace period not applied: the caller decides
     * which are late), in (conversation, seq) order, at most {@code limit}.
     */
    public Flux<Message> unpublished(int limit) {
        Query query = Query.query(where("published").is(false)).with(Sort.by("conversationId", "seq")).limit(limit);
        return mongo.find(query, MessageDocument.class, MESSAGES).map(MessageDocument::toMessage);
    }

    /** Records that {@code replica} is alive at {@code at}. */
    public Mono<Void> heartbeat(String replica, Instant at) {
        return mongo.upsert(Query.query(where("_id").is(replica)), Update.update("seenAt", Date.from(at)), REPLICAS)
                .then();
    }

    /** Replicas whose last heartbeat is older than {@code cutoff}. */
    public Flux<Heartbeat> silentSince(Instant cutoff) {
        return mongo.find(Query.query(where("seenAt").lt(Date.from(cutoff))), Document.class, REPLICAS)
                .map(d -> new Heartbeat(d.getString("_id"), d.getDate("seenAt")));
    }

    /** Removes a silent replica's heartbeat unless it beat again meanwhile; answers whether this call removed it. */
    public Mono<Boolean> forget(Heartbeat silent) {
        return mongo.remove(Query.query(where("_id").is(silent.replica()).and("seenAt").is(silent.seenAt())), REPLICAS)
                .map(result -> result.getDeletedCount() > 0);
    }

    /** Removes a replica's heartbeat: it stops in order. */
    public Mono<Void> forget(String replica) {
        return mongo.remove(Query.query(where("_id").is(replica)), REPLICAS).then();
    }

    /** A replica's last sign of life. */
    public record Heartbeat(String replica, Date seenAt) {
    }

    /** A conversation's sequence counter as the hole sweeper sees it. */
    public record SeqCounter(String conversationId, String tenantId, long seq, long checkedSeq, Long checkpointSeq,
                             Instant checkpointAt) {
        static SeqCounter of(Document d) {
            Number checked = (Number) d.get("checkedSeq");
            Number checkpoint = (Number) d.get("checkpointSeq");
            Object at = d.get("checkpointAt");
            return new SeqCounter(d.getString("_id"), d.getString("tenantId"), ((Number) d.get("seq")).longValue(),
                    checked == null ? 0 : checked.longValue(), checkpoint == null ? null : checkpoint.longValue(),
                    at instanceof java.util.Date date ? date.toInstant() : null);
        }
    }

    public Mono<Long> countUnpublished() {
        return mongo.count(Query.query(where("published").is(false)), MESSAGES);
    }
}
