package io.parley.chat.auth.tenant.persistence;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Instant;
import java.util.UUID;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Repository;

import reactor.core.publisher.Mono;

@Repository
public class TenantRepository {

    private final ReactiveMongoTemplate mongo;

    TenantRepository(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    public Mono<Void> createIndexes() {
        return mongo.indexOps(TenantDocument.class)
                .createIndex(new Index().on("slug", Sort.Direction.ASC).unique().named("slug_unique"))
                .then();
    }

    public Mono<TenantDocument> findBySlug(String slug) {
        return mongo.findOne(query(where("slug").is(slug)), TenantDocument.class);
    }

    /** Emits whether this call created the tenant. */
    public Mono<Boolean> insertIfMissing(String slug, String name, boolean openSignup) {
        Update insertOnly = new Update()
                .setOnInsert("_id", UUID.randomUUID().toString())
                .setOnInsert("name", name)
                .setOnInsert("openSignup", openSignup)
                .setOnInsert("createdAt", Instant.now());
        return mongo.upsert(query(where("slug").is(slug)), insertOnly, TenantDocument.class)
                .map(result -> result.getUpsertedId() != null)
                // Two replicas upserting the same new slug at once: one insert wins on the unique index.
                .onErrorResume(DuplicateKeyException.class, e -> Mono.just(false));
    }

    /** Fails with {@link DuplicateKeyException} when the slug is taken (the unique index decides). */
    public Mono<TenantDocument> insert(String slug, String name, boolean openSignup) {
        return mongo.insert(new TenantDocument(UUID.randomUUID().toString(), slug, name, openSignup, Instant.now()));
    }
}
