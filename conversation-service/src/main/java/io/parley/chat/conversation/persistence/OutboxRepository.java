package io.parley.chat.conversation.persistence;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Instant;

import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
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

    public Mono<Void> delete(String id) {
        return mongo.remove(query(where("_id").is(id)), OutboxEntry.class).then();
    }

    /** Whether an entry of the same conversation waits ahead of {@code entry}: then it must not overtake it. */
    public Mono<Boolean> hasOlder(OutboxEntry entry) {
        Criteria before = new Criteria().orOperator(where("createdAt").lt(entry.createdAt()),
                where("createdAt").is(entry.createdAt()).and("_id").lt(entry.id()));
        return mongo.exists(query(where("conversationId").is(entry.conversationId()).andOperator(before)),
                OutboxEntry.class);
    }

    /** The oldest entries created before {@code before}, in the order they were stored. */
    public Flux<OutboxEntry> oldest(Instant before, int limit) {
        return mongo.find(query(where("createdAt").lt(before)).with(OLDEST_FIRST).limit(limit), OutboxEntry.class);
    }

    public Mono<Long> count() {
        return mongo.count(new Query(), OutboxEntry.class);
    }
}
