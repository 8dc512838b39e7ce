package io.parley.chat.auth.token.persistence;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Repository;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@Repository
public class SigningKeyRepository {

    private final ReactiveMongoTemplate mongo;

    SigningKeyRepository(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    public Flux<SigningKeyDocument> findAll() {
        return mongo.findAll(SigningKeyDocument.class);
    }

    /**
     * Stores {@code candidate} under its id unless a key is already there, and emits the key
     * that is there afterwards. Replicas starting together each propose their own key; the
     * upsert on one fixed {@code _id} lets exactly one proposal win and every replica reads
     * back the winner, so they all sign with the same key.
     */
    public Mono<SigningKeyDocument> insertIfMissing(SigningKeyDocument candidate) {
        Update insertOnly = new Update()
                .setOnInsert("kid", candidate.kid())
                .setOnInsert("algorithm", candidate.algorithm())
                .setOnInsert("createdAt", candidate.createdAt());
        if (candidate.jwk() != null) {
            insertOnly.setOnInsert("jwk", candidate.jwk());
        }
        if (candidate.sealed() != null) {
            insertOnly.setOnInsert("sealed", candidate.sealed());
        }
        return mongo.findAndModify(query(where("_id").is(candidate.id())), insertOnly,
                        FindAndModifyOptions.options().upsert(true).returnNew(true), SigningKeyDocument.class)
                // MongoDB may report a lost upsert race as a duplicate _id instead of retrying it.
                .onErrorResume(DuplicateKeyException.class,
                        e -> mongo.findById(candidate.id(), SigningKeyDocument.class));
    }

    /**
     * Stores a rotated key; emits false when another replica stored this generation first
     * (its key is then the one that counts, and this one is dropped).
     */
    public Mono<Boolean> insertGeneration(SigningKeyDocument key) {
        return mongo.insert(key).thenReturn(true).onErrorResume(DuplicateKeyException.class, e -> Mono.just(false));
    }

    /**
     * Replaces how the private key of {@code id} is stored: {@code next} instead of the plain
     * JWK ({@code previous} null) or instead of the envelope {@code previous}. Emits false when
     * the document no longer holds what was read (another replica re-wrapped it meanwhile,
     * which is as good), so replicas starting together each leave one valid envelope.
     */
    public Mono<Boolean> replaceWrapping(String id, SealedJwk previous, SealedJwk next) {
        Query stillAsRead = query(where("_id").is(id));
        stillAsRead.addCriteria(previous == null ? where("sealed").exists(false)
                : where("sealed.ciphertext").is(previous.ciphertext()));
        Update update = new Update().set("sealed", next).unset("jwk");
        return mongo.updateFirst(stillAsRead, update, SigningKeyDocument.class).map(result -> result.getModifiedCount() > 0);
    }

    public Mono<Void> deleteByIds(java.util.Collection<String> ids) {
        return ids.isEmpty() ? Mono.empty()
                : mongo.remove(query(where("_id").in(ids)), SigningKeyDocument.class).then();
    }
}
