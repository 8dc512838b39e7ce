package io.parley.chat.auth.token.persistence;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Duration;
import java.time.Instant;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.stereotype.Repository;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@Repository
public class RevocationRepository {

    private final ReactiveMongoTemplate mongo;

    RevocationRepository(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    public Mono<Void> createIndexes() {
        var indexes = mongo.indexOps(RevocationDocument.class);
        return Mono.when(
                indexes.createIndex(new Index().on("expiresAt", Sort.Direction.ASC).expire(Duration.ZERO).named("expiresAt_ttl")),
                indexes.createIndex(new Index().on("at", Sort.Direction.ASC).named("at")));
    }

    public Mono<RevocationDocument> insert(RevocationDocument revocation) {
        return mongo.insert(revocation);
    }

    /** Stores the revocation of a key unless it is stored already (a second revoke of the same kid). */
    public Mono<Void> insertKeyRevocation(RevocationDocument revocation) {
        return mongo.insert(revocation).onErrorResume(DuplicateKeyException.class, e -> Mono.empty()).then();
    }

    /** Whether {@code kid} was revoked and its revocation still concerns live tokens. */
    public Mono<Boolean> isKeyRevoked(String kid, Instant now) {
        return mongo.exists(query(where("_id").is(RevocationDocument.keyRevocationId(kid)).and("expiresAt").gt(now)),
                RevocationDocument.class);
    }

    /** Revocations made at or after {@code since} that still concern live tokens, oldest first. */
    public Flux<RevocationDocument> since(Instant since, Instant now, int limit) {
        return mongo.find(query(where("at").gte(since).and("expiresAt").gt(now))
                .with(Sort.by("at", "_id")).limit(limit), RevocationDocument.class);
    }
}
