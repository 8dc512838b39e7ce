package io.parley.chat.auth.account.persistence;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.stereotype.Repository;

import reactor.core.publisher.Mono;

/** Every lookup names the tenant: a user id or username from another tenant finds nothing. */
@Repository
public class UserRepository {

    private final ReactiveMongoTemplate mongo;

    UserRepository(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** The unique index is what keeps two concurrent sign-ups from taking one username. */
    public Mono<Void> createIndexes() {
        return mongo.indexOps(UserDocument.class)
                .createIndex(new Index().on("tenantId", Sort.Direction.ASC).on("usernameKey", Sort.Direction.ASC)
                        .unique().named("tenant_username_unique"))
                .then();
    }

    /** Fails with {@link org.springframework.dao.DuplicateKeyException} when the username is taken. */
    public Mono<UserDocument> insert(UserDocument user) {
        return mongo.insert(user);
    }

    public Mono<UserDocument> findByUsername(String tenantId, String usernameKey) {
        return mongo.findOne(query(where("tenantId").is(tenantId).and("usernameKey").is(usernameKey)), UserDocument.class);
    }

    public Mono<Boolean> existsByUsername(String tenantId, String usernameKey) {
        return mongo.exists(query(where("tenantId").is(tenantId).and("usernameKey").is(usernameKey)), UserDocument.class);
    }

    public Mono<UserDocument> findById(String tenantId, String id) {
        return mongo.findOne(query(where("_id").is(id).and("tenantId").is(tenantId)), UserDocument.class);
    }
}
