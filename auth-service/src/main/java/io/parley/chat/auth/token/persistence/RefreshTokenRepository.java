package io.parley.chat.auth.token.persistence;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Duration;
import java.time.Instant;

import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Repository;

import reactor.core.publisher.Mono;

@Repository
public class RefreshTokenRepository {

    private final ReactiveMongoTemplate mongo;

    RefreshTokenRepository(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    public Mono<Void> createIndexes() {
        var indexes = mongo.indexOps(RefreshTokenDocument.class);
        // expireAfterSeconds 0: Mongo deletes each token once its own expiresAt has passed.
        return Mono.when(
                indexes.createIndex(new Index().on("expiresAt", Sort.Direction.ASC).expire(Duration.ZERO).named("expiresAt_ttl")),
                indexes.createIndex(new Index().on("familyId", Sort.Direction.ASC).named("familyId")));
    }

    public Mono<RefreshTokenDocument> insert(RefreshTokenDocument token) {
        return mongo.insert(token);
    }

    public Mono<RefreshTokenDocument> findById(String hash) {
        return mongo.findById(hash, RefreshTokenDocument.class);
    }

    /**
     * Marks a live token used and emits it, or emits nothing when it is unknown, expired,
     * revoked or already used. One atomic findAndModify: of two requests presenting the
     * same token at once, exactly one gets it.
     */
    public Mono<RefreshTokenDocument> markUsed(String hash, Instant now) {
        var live = query(where("_id").is(hash).and("usedAt").is(null).and("revoked").is(false).and("expiresAt").gt(now));
        return mongo.findAndModify(live, new Update().set("usedAt", now),
                FindAndModifyOptions.options().returnNew(true), RefreshTokenDocument.class);
    }

    public Mono<Void> revokeFamily(String familyId) {
        return mongo.updateMulti(query(where("familyId").is(familyId)), new Update().set("revoked", true),
                RefreshTokenDocument.class).then();
    }

    public Mono<Boolean> isFamilyRevoked(String familyId) {
        return mongo.exists(query(where("familyId").is(familyId).and("revoked").is(true)), RefreshTokenDocument.class);
    }
}
