package io.parley.chat.conversation;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

import io.parley.chat.conversation.messaging.ConversationEventPublisher;
import io.parley.chat.conversation.persistence.ConversationRepository;
import io.parley.chat.conversation.persistence.MemberRepository;
import io.parley.chat.kit.security.ChatPrincipal;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Creates conversations and answers who belongs to them. Every read is scoped by the
 * caller's tenant and membership: a conversation the caller cannot see does not exist.
 */
@Service
public class ConversationService {

    private final ConversationRepository conversations;
    private final MemberRepository members;
    private final ConversationEventPublisher publisher;
    private final Clock clock;

    public ConversationService(ConversationRepository conversations, MemberRepository members,
                               ConversationEventPublisher publisher) {
        this.conversations = conversations;
        this.members = members;
        this.publisher = publisher;
        this.clock = Clock.systemUTC();
    }

    /** The result of a create: {@code created} is false when a DIRECT conversation for the pair already existed. */
    public record Created(ConversationDetails details, boolean created) {
    }

    public Mono<Created> create(ChatPrincipal caller, NewConversation request) {
        Conversation conversation = newConversation(caller, request);
        List<Member> newMembers = membersOf(conversation, request.otherMemberIds());
        if (request.type() != ConversationType.DIRECT) {
            return conversations.insert(conversation)
                    .then(members.insertAll(newMembers))
                    .then(publisher.publishCreated(conversation, newMembers))
                    .thenReturn(new Created(new ConversationDetails(conversation, newMembers), true));
        }
        return conversations.findByDirectKey(conversation.directKey())
                .flatMap(existing -> existingDirect(existing, pairOf(newMembers)))
                .switchIfEmpty(Mono.defer(() -> insertDirect(conversation, newMembers)));
    }

    public Mono<ConversationDetails> get(ChatPrincipal caller, String conversationId) {
        return membership(caller, conversationId)
                .then(conversations.findById(caller.tenantId(), conversationId))
                .switchIfEmpty(Mono.error(() -> new ConversationNotFound(conversationId)))
                .flatMap(this::withMembers);
    }

    /** The caller's conversations, the most recently active first. */
    public Flux<Membership> list(ChatPrincipal caller, int limit) {
        return members.findByUser(caller.tenantId(), caller.userId())
                .collectMap(Member::conversationId, Member::role)
                .flatMapMany(roles -> conversations.findRecent(caller.tenantId(), roles.keySet(), limit)
                        .map(conversation -> new Membership(conversation, roles.get(conversation.id()))));
    }

    /** The caller's membership in a conversation of their tenant: one lookup by the member key. */
    public Mono<Member> membership(ChatPrincipal caller, String conversationId) {
        return members.find(caller.tenantId(), conversationId, caller.userId())
                .switchIfEmpty(Mono.error(() -> new ConversationNotFound(conversationId)));
    }

    /**
     * The unique index on {@code directKey} decides concurrent creations of the same pair:
     * the loser reads the winner's conversation instead of making a second one.
     */
    private Mono<Created> insertDirect(Conversation conversation, List<Member> newMembers) {
        return conversations.insert(conversation)
                .map(inserted -> true)
                .onErrorResume(DuplicateKeyException.class, lostRace -> Mono.just(false))
                .flatMap(won -> won
                        ? members.insertMissing(newMembers)
                                .then(publisher.publishCreated(conversation, newMembers))
                                .thenReturn(new Created(new ConversationDetails(conversation, newMembers), true))
                        : conversations.findByDirectKey(conversation.directKey())
                                .switchIfEmpty(Mono.error(() -> new IllegalStateException(
                                        "directKey was taken but its conversation is gone")))
                                .flatMap(existing -> existingDirect(existing, pairOf(newMembers))));
    }

    /**
     * A DIRECT conversation's members follow from the conversation and the pair, so a
     * reader that arrives between the winner's two inserts (or after the winner died
     * between them) writes them too; both writers only insert what is missing.
     */
    private Mono<Created> existingDirect(Conversation existing, List<String> pair) {
        return members.findByConversation(existing.tenantId(), existing.id()).collectList()
                .flatMap(found -> found.size() == pair.size() ? Mono.just(found) : repairDirect(existing, pair))
                .map(found -> new Created(new ConversationDetails(existing, found), false));
    }

    private Mono<List<Member>> repairDirect(Conversation existing, List<String> pair) {
        List<String> peer = pair.stream().filter(userId -> !userId.equals(existing.createdBy())).toList();
        return members.insertMissing(membersOf(existing, peer))
                .then(members.findByConversation(existing.tenantId(), existing.id()).collectList());
    }

    private static List<String> pairOf(List<Member> directMembers) {
        return directMembers.stream().map(Member::userId).toList();
    }

    private Mono<ConversationDetails> withMembers(Conversation conversation) {
        return members.findByConversation(conversation.tenantId(), conversation.id()).collectList()
                .map(found -> new ConversationDetails(conversation, found));
    }

    private Conversation newConversation(ChatPrincipal caller, NewConversation request) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String directKey = request.type() == ConversationType.DIRECT
                ? NewConversation.directKey(caller.tenantId(), caller.userId(), request.otherMemberIds().get(0))
                : null;
        return new Conversation(UUID.randomUUID().toString(), caller.tenantId(), request.type(), request.title(),
                caller.userId(), now, now, directKey);
    }

    private static List<Member> membersOf(Conversation conversation, List<String> others) {
        List<Member> result = new ArrayList<>(others.size() + 1);
        result.add(new Member(conversation.id(), conversation.tenantId(), conversation.createdBy(), Role.OWNER,
                conversation.createdAt()));
        others.forEach(userId -> result.add(new Member(conversation.id(), conversation.tenantId(), userId,
                Role.MEMBER, conversation.createdAt())));
        return List.copyOf(result);
    }
}
