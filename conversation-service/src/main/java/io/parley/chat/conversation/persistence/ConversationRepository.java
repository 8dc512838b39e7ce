package io.parley.chat.conversation.persistence;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.util.Collection;

import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.stereotype.Repository;

import io.parley.chat.conversation.Conversation;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@Repository
public class ConversationRepository {

    private final ReactiveMongoTemplate mongo;

    public ConversationRepository(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** Fails with {@code DuplicateKeyException} when a DIRECT conversation for the pair exists. */
    public Mono<Conversation> insert(Conversation conversation) {
        return mongo.insert(ConversationDocument.from(conversation)).map(ConversationDocument::toDomain);
    }

    public Mono<Conversation> findById(String tenantId, String id) {
        return mongo.findOne(query(where("_id").is(id).and("tenantId").is(tenantId)), ConversationDocument.class)
                .map(ConversationDocument::toDomain);
    }

    public Mono<Conversation> findByDirectKey(String directKey) {
        return mongo.findOne(query(where("directKey").is(directKey)), ConversationDocument.class)
                .map(ConversationDocument::toDomain);
    }

    /** The conversations among {@code ids}, most recently updated first (ties by id, so pages are stable). */
    public Flux<Conversation> findRecent(String tenantId, Collection<String> ids, int limit) {
        if (ids.isEmpty()) {
            return Flux.empty();
        }
        return mongo.find(query(where("_id").in(ids).and("tenantId").is(tenantId))
                        .with(Sort.by(Sort.Order.desc("updatedAt"), Sort.Order.desc("_id")))
                        .limit(limit), ConversationDocument.class)
                .map(ConversationDocument::toDomain);
    }

    Mono<Void> createIndexes() {
        return mongo.indexOps(ConversationDocument.class)
                .createIndex(new Index().on("directKey", Sort.Direction.ASC).unique().sparse().named("directKey_unique"))
                .then();
    }
}
