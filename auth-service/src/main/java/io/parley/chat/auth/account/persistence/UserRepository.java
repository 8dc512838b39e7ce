package io.parley.chat.auth.account.persistence;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.util.regex.Pattern;

import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Repository;

import reactor.core.publisher.Flux;
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

    /**
     * Enabled users of one tenant whose username or display name starts with {@code prefix}
     * (ignoring case), ordered by username. The prefix is matched literally: it is quoted,
     * so a search for {@code .*} finds names starting with a dot and star, not everyone.
     * The username side uses the tenant+usernameKey index; the display-name side is a
     * case-insensitive regex that scans the tenant's users, which is fine at directory sizes
     * of tens of thousands and is the first thing to replace (a lower-cased copy) beyond.
     * {@code afterUsernameKey} (when not null) starts after that user, an index seek whatever
     * the depth; {@code skip} is the deprecated page offset, which costs what it skips.
     */
    public Flux<UserDocument> search(String tenantId, String prefix, String afterUsernameKey, long skip, int limit) {
        Criteria match = new Criteria().orOperator(
                where("usernameKey").regex("^" + Pattern.quote(prefix.toLowerCase(java.util.Locale.ROOT))),
                where("displayName").regex("^" + Pattern.quote(prefix), "i"));
        Criteria tenant = where("tenantId").is(tenantId).and("disabled").is(false);
        Query query = query(afterUsernameKey == null ? tenant.andOperator(match)
                : tenant.andOperator(match, where("usernameKey").gt(afterUsernameKey)))
                .with(Sort.by("usernameKey"))
                .skip(skip)
                .limit(limit);
        return mongo.find(query, UserDocument.class);
    }

    /** Emits the user after the change, or nothing when no user has this id in this tenant. */
    public Mono<UserDocument> setDisabled(String tenantId, String id, boolean disabled) {
        return mongo.findAndModify(query(where("_id").is(id).and("tenantId").is(tenantId)),
                Update.update("disabled", disabled),
                org.springframework.data.mongodb.core.FindAndModifyOptions.options().returnNew(true), UserDocument.class);
    }
}
