package io.parley.chat.conversation.persistence;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Instant;

import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Repository;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@Repository
public class OutboxRepository {

    private static final Sort OLDEST_FIRST = Sort.by("createdAt", "_id");

    private final ReactiveMongoTemplate mongo;

    OutboxRepository(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    Mono<Void> createIndexes() {
        return mongo.indexOps(OutboxEntry.class)
                .createIndex(new Index().on("conversationId", Sort.Direction.ASC).on("createdAt", Sort.Direction.ASC)
                        .named("conversation_createdAt"))
                .then(mongo.indexOps(OutboxEntry.class)
                        .createIndex(new Index().on("createdAt", Sort.Direction.ASC).named("createdAt")))
                .then();
    }

    public Mono<OutboxEntry> insert(OutboxEntry entry) {
        return mongo.insert(entry);
    }

    /** Kafka acknowledged the entry: it leaves the outbox and stays listed until {@link #forgetPublishedBefore}. */
    public Mono<Void> markPublished(String id, Instant at) {
        return mongo.updateFirst(query(where("_id").is(id)), Update.update("publishedAt", at), OutboxEntry.class).then();
    }

    /** Whether an unpublished entry of the same conversation waits ahead of {@code entry}: then it must not overtake it. */
    public Mono<Boolean> hasOlder(OutboxEntry entry) {
        Criteria before = new Criteria().orOperator(where("createdAt").lt(entry.createdAt()),
                where("createdAt").is(entry.createdAt()).and("_id").lt(entry.id()));
        return mongo.exists(query(where("conversationId").is(entry.conversationId()).and("publishedAt").is(null)
                .andOperator(before)), OutboxEntry.class);
    }

    /** The oldest unpublished entries created before {@code before}, in the order they were stored. */
    public Flux<OutboxEntry> oldest(Instant before, int limit) {
        return mongo.find(query(where("createdAt").lt(before).and("publishedAt").is(null)).with(OLDEST_FIRST)
                .limit(limit), OutboxEntry.class);
    }

    /** How many entries Kafka has not acknowledged. */
    public Mono<Long> count() {
        return mongo.count(query(where("publishedAt").is(null)), OutboxEntry.class);
    }

    /** Entries stored at or after {@code from}, published or not, in the order they were stored. */
    public Flux<OutboxEntry> since(Instant from, int limit) {
        return mongo.find(query(where("createdAt").gte(from)).with(OLDEST_FIRST).limit(limit), OutboxEntry.class);
    }

    /** Drops the entries published before {@code before}; unpublished ones stay whatever their age. */
    public Mono<Long> forgetPublishedBefore(Instant before) {
        return mongo.remove(query(where("publishedAt").lt(before)), OutboxEntry.class).map(r -> r.getDeletedCount());
    }
}
