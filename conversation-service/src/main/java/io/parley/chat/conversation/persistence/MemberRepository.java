package io.parley.chat.conversation.persistence;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.util.List;

import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Repository;

import io.parley.chat.conversation.Member;
import io.parley.chat.conversation.Role;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@Repository
public class MemberRepository {

    private final ReactiveMongoTemplate mongo;

    public MemberRepository(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    public Mono<Void> insertAll(List<Member> members) {
        return mongo.insert(members.stream().map(MemberDocument::from).toList(), MemberDocument.class).then();
    }

    /** Writes the members that are not there yet and leaves existing ones untouched, so concurrent writers agree. */
    public Mono<Void> insertMissing(List<Member> members) {
        return Flux.fromIterable(members)
                .map(MemberDocument::from)
                .concatMap(m -> mongo.upsert(query(where("_id").is(m.id())), new Update()
                        .setOnInsert("conversationId", m.conversationId())
                        .setOnInsert("tenantId", m.tenantId())
                        .setOnInsert("userId", m.userId())
                        .setOnInsert("role", m.role())
                        .setOnInsert("joinedAt", m.joinedAt())
                        .setOnInsert("readSeq", m.readSeq()), MemberDocument.class))
                .then();
    }

    /** True when there was such a member. */
    public Mono<Boolean> delete(String tenantId, String conversationId, String userId) {
        return mongo.remove(query(where("_id").is(Member.key(conversationId, userId)).and("tenantId").is(tenantId)),
                MemberDocument.class).map(result -> result.getDeletedCount() > 0);
    }

    /** The member with the new role; empty when there is no such member. */
    public Mono<Member> setRole(String tenantId, String conversationId, String userId, Role role) {
        return mongo.findAndModify(query(where("_id").is(Member.key(conversationId, userId)).and("tenantId").is(tenantId)),
                        new Update().set("role", role.wire()), FindAndModifyOptions.options().returnNew(true),
                        MemberDocument.class)
                .map(MemberDocument::toDomain);
    }

    /** Moves the read marker forward only ({@code $max}); the member as stored after, empty when not a member. */
    public Mono<Member> advanceRead(String tenantId, String conversationId, String userId, long seq) {
        return mongo.findAndModify(query(where("_id").is(Member.key(conversationId, userId)).and("tenantId").is(tenantId)),
                        new Update().max("readSeq", seq), FindAndModifyOptions.options().returnNew(true),
                        MemberDocument.class)
                .map(MemberDocument::toDomain);
    }

    public Mono<Long> countOwners(String tenantId, String conversationId) {
        return mongo.count(query(where("conversationId").is(conversationId).and("tenantId").is(tenantId)
                .and("role").is(Role.OWNER.wire())), MemberDocument.class);
    }

    /** One lookup by {@code _id}; the tenant check keeps another tenant's conversation invisible. */
    public Mono<Member> find(String tenantId, String conversationId, String userId) {
        return mongo.findOne(query(where("_id").is(Member.key(conversationId, userId)).and("tenantId").is(tenantId)),
                MemberDocument.class).map(MemberDocument::toDomain);
    }

    public Flux<Member> findByConversation(String tenantId, String conversationId) {
        return mongo.find(query(where("conversationId").is(conversationId).and("tenantId").is(tenantId))
                        .with(Sort.by("userId")), MemberDocument.class)
                .map(MemberDocument::toDomain);
    }

    public Flux<Member> findByUser(String tenantId, String userId) {
        return mongo.find(query(where("tenantId").is(tenantId).and("userId").is(userId)), MemberDocument.class)
                .map(MemberDocument::toDomain);
    }

    Mono<Void> createIndexes() {
        return mongo.indexOps(MemberDocument.class)
                .createIndex(new Index().on("conversationId", Sort.Direction.ASC).on("userId", Sort.Direction.ASC)
                        .unique().named("conversation_user_unique"))
                .then(mongo.indexOps(MemberDocument.class)
                        .createIndex(new Index().on("tenantId", Sort.Direction.ASC).on("userId", Sort.Direction.ASC)
                                .named("tenant_user")))
                .then();
    }
}
