package io.parley.chat.auth.account.persistence;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Repository;

import reactor.core.publisher.Mono;

/** Counters shared by every replica: a limit holds however the load balancer spreads the attempts. */
@Repository
public class LoginAttemptRepository {

    private final ReactiveMongoTemplate mongo;

    LoginAttemptRepository(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    public Mono<Void> createIndexes() {
        return mongo.indexOps(LoginAttemptDocument.class)
                .createIndex(new Index().on("expiresAt", Sort.Direction.ASC).expire(Duration.ZERO).named("expiresAt_ttl"))
                .then();
    }

    /**
     * Adds {@code delta} to the counter and emits its new value. One atomic findAndModify
     * with upsert: concurrent attempts on any replica are each counted exactly once.
     */
    public Mono<Long> add(String id, long delta, Instant expiresAt) {
        Update update = new Update().inc("count", delta).setOnInsert("expiresAt", expiresAt);
        return mongo.findAndModify(query(where("_id").is(id)), update,
                        FindAndModifyOptions.options().upsert(true).returnNew(true), LoginAttemptDocument.class)
                // Two first attempts racing to create the counter: the loser retries as an update.
                .onErrorResume(DuplicateKeyException.class, e -> mongo.findAndModify(query(where("_id").is(id)), update,
                        FindAndModifyOptions.options().returnNew(true), LoginAttemptDocument.class))
                .map(LoginAttemptDocument::count);
    }

    /** Removes the counters: their subject starts again from zero. */
    public Mono<Void> delete(Collection<String> ids) {
        return mongo.remove(query(where("_id").in(ids)), LoginAttemptDocument.class).then();
    }

    /** The counter's value, 0 when there is none (a window without attempts, or one already expired). */
    public Mono<Long> count(String id) {
        return mongo.findById(id, LoginAttemptDocument.class).map(LoginAttemptDocument::count).defaultIfEmpty(0L);
    }
}
