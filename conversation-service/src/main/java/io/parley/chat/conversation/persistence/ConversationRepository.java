package io.parley.chat.conversation.persistence;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;

import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Repository;

import io.parley.chat.conversation.ActivityCursor;
import io.parley.chat.conversation.Conversation;
import io.parley.chat.conversation.ConversationType;
import io.parley.chat.conversation.TitleCursor;
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

    /**
     * One page of the conversations among {@code ids}, the most recently active first (ties
     * by id, so pages are stable), starting after {@code after} when it is not null. One
     * query: an {@code _id $in} lookup of at most ids.size() documents, sorted in the
     * server and cut to {@code limit}.
     */
    public Flux<Conversation> findPage(String tenantId, Collection<String> ids, ActivityCursor after, int limit) {
        if (ids.isEmpty()) {
            return Flux.empty();
        }
        Criteria criteria = where("_id").in(ids).and("tenantId").is(tenantId);
        if (after != null) {
            criteria = criteria.orOperator(where("lastActivityAt").lt(after.lastActivityAt()),
                    where("lastActivityAt").is(after.lastActivityAt()).and("_id").lt(after.conversationId()));
        }
        return mongo.find(query(criteria)
                        .with(Sort.by(Sort.Order.desc("lastActivityAt"), Sort.Order.desc("_id")))
                        .limit(limit), ConversationDocument.class)
                .map(ConversationDocument::toDomain);
    }

    /**
     * The tenant's channels whose title starts with {@code titlePrefix} (case-insensitive;
     * all when blank), by title (ties by id, so pages are stable), starting after
     * {@code after} when it is not null. Channels are tenant-visible: this is how a member
     * of the tenant finds one to join.
     */
    public Flux<Conversation> findChannels(String tenantId, String titlePrefix, TitleCursor after, int limit) {
        Criteria criteria = where("tenantId").is(tenantId).and("type").is(ConversationType.CHANNEL.name());
        if (titlePrefix != null && !titlePrefix.isBlank()) {
            criteria = criteria.and("title").regex("^" + java.util.regex.Pattern.quote(titlePrefix.strip()), "i");
        }
        if (after != null) {
            criteria = criteria.orOperator(where("title").gt(after.title()),
                    where("title").is(after.title()).and("_id").gt(after.conversationId()));
        }
        return mongo.find(query(criteria).with(Sort.by("title", "_id")).limit(limit), ConversationDocument.class)
                .map(ConversationDocument::toDomain);
    }

    /** Sets the parts of the change that are not null and moves the activity time; empty when there is no such conversation. */
    public Mono<Conversation> update(String tenantId, String id, String title, Map<String, String> settings,
                                     Instant at) {
        Update update = new Update().set("updatedAt", at).max("lastActivityAt", at);
        if (title != null) {
            update.set("title", title);
        }
        if (settings != null) {
            update.set("settings", settings);
        }
        return mongo.findAndModify(query(where("_id").is(id).and("tenantId").is(tenantId)), update,
                        FindAndModifyOptions.options().returnNew(true), ConversationDocument.class)
                .map(ConversationDocument::toDomain);
    }

    /**
     * Moves the head to {@code seq} and the activity time to {@code at}, each only forward
     * ({@code $max}), so replaying or reordering message events changes nothing: any
     * replica of this service may apply any event any number of times.
     */
    public Mono<Void> advanceHead(String tenantId, String id, long seq, Instant at) {
        Update update = new Update().max("headSeq", seq);
        if (at != null) {
            update.max("lastActivityAt", at);
        }
        return mongo.updateFirst(query(where("_id").is(id).and("tenantId").is(tenantId)), update,
                ConversationDocument.class).then();
    }

    Mono<Void> createIndexes() {
        return mongo.indexOps(ConversationDocument.class)
                .createIndex(new Index().on("directKey", Sort.Direction.ASC).unique().sparse().named("directKey_unique"))
                .then(mongo.indexOps(ConversationDocument.class).createIndex(new Index()
                        .on("tenantId", Sort.Direction.ASC).on("lastActivityAt", Sort.Direction.DESC)
                        .on("_id", Sort.Direction.DESC).named("tenant_activity")))
                .then();
    }
}
