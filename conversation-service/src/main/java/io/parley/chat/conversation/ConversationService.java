package io.parley.chat.conversation;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

import io.parley.chat.conversation.messaging.ConversationEventPublisher;
import io.parley.chat.conversation.persistence.ConversationRepository;
import io.parley.chat.conversation.persistence.MemberRepository;
import io.parley.chat.kit.directory.DirectoryProblems.UnknownUsers;
import io.parley.chat.kit.directory.UserDirectory;
import io.parley.chat.kit.page.Page;
import io.parley.chat.kit.security.ChatPrincipal;
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
    private final UserDirectory directory;
    private final Clock clock;

    public ConversationService(ConversationRepository conversations, MemberRepository members,
                               ConversationEventPublisher publisher, UserDirectory directory) {
        this.conversations = conversations;
        this.members = members;
        this.publisher = publisher;
        this.directory = directory;
        this.clock = Clock.systemUTC();
    }

    /** The result of a create: {@code created} is false when a DIRECT conversation for the pair already existed. */
    public record Created(ConversationDetails details, boolean created) {
    }

    /** Every other member must be a user of the caller's tenant; otherwise nothing is stored. */
    public Mono<Created> create(ChatPrincipal caller, NewConversation request) {
        return requireUsers(caller, request.otherMemberIds()).then(Mono.defer(() -> insert(caller, request)));
    }

    /**
     * Fails with {@link UnknownUsers}, naming them, when any of {@code userIds} is no user of
     * the caller's tenant (an id of another tenant and one that exists nowhere get the same
     * answer), and with a retryable 503 when auth-service cannot say.
     */
    Mono<Void> requireUsers(ChatPrincipal caller, List<String> userIds) {
        List<String> others = userIds.stream().filter(userId -> !userId.equals(caller.userId())).toList();
        if (others.isEmpty()) {
            return Mono.empty();
        }
        return directory.unknown(caller, others)
                .flatMap(unknown -> unknown.isEmpty() ? Mono.<Void>empty() : Mono.error(new UnknownUsers(unknown)));
    }

    private Mono<Created> insert(ChatPrincipal caller, NewConversation request) {
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

    /** A conversation with its members: for its members, and for anyone of the tenant when it is a CHANNEL. */
    public Mono<ConversationDetails> get(ChatPrincipal caller, String conversationId) {
        return conversations.findById(caller.tenantId(), conversationId)
                .filterWhen(found -> found.type() == ConversationType.CHANNEL ? Mono.just(true)
                        : members.find(caller.tenantId(), conversationId, caller.userId()).hasElement())
                .switchIfEmpty(Mono.error(() -> new ConversationNotFound(conversationId)))
                .flatMap(this::withMembers);
    }

    /**
     * A page of the caller's tenant's channels, by title, optionally those starting with
     * {@code query}, after {@code after} when it is not null.
     */
    public Mono<Page<Conversation>> channels(ChatPrincipal caller, String query, TitleCursor after, int limit) {
        return conversations.findChannels(caller.tenantId(), query, after, limit + 1).collectList()
                .map(found -> Page.of(found, limit, channel -> TitleCursor.after(channel).encode()));
    }

    /**
     * The caller's conversations, the most recently active first, with head, read marker and
     * unread count. Cost, whatever the page size: two queries and no call per conversation.
     * (1) the caller's member rows by the {@code tenant_user} index: one row per
     * conversation they are in (N), each carrying role and readSeq; (2) the conversations
     * among those N ids by {@code _id}, sorted by activity and cut to the page in the
     * server. Head seq and activity time are on the conversation documents, kept current by
     * {@code MessageEventListener}. Both steps read O(N) small documents: for N = 1,000 see
     * docs/performance.md#conversation-service-membership-checks-and-lists. Denormalising
     * head and activity onto every member row would make a page O(limit), at the price of
     * writing every member row of a conversation on every message (a 5,000-member channel:
     * 5,000 writes per message), so it is not done.
     */
    public Mono<Page<Membership>> list(ChatPrincipal caller, ActivityCursor after, int limit) {
        return members.findByUser(caller.tenantId(), caller.userId())
                .collectMap(Member::conversationId)
                .flatMap(mine -> conversations.findPage(caller.tenantId(), mine.keySet(), after, limit + 1)
                        .map(conversation -> {
                            Member member = mine.get(conversation.id());
                            return new Membership(conversation, member.role(), member.readSeq());
                        })
                        .collectList())
                .map(found -> Page.of(found, limit, last -> new ActivityCursor(last.conversation().lastActivityAt(),
                        last.conversation().id()).encode()));
    }

    /** Title and settings: owners and admins; a DIRECT conversation has neither. */
    public Mono<ConversationDetails> update(ChatPrincipal caller, String conversationId, ConversationChange change) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        return membership(caller, conversationId)
                .filter(Member::canManageMembers)
                .switchIfEmpty(Mono.error(() -> new Problems.NotAllowed(
                        "Only owners and admins may change the title and settings.")))
                .then(conversations.findById(caller.tenantId(), conversationId))
                .switchIfEmpty(Mono.error(() -> new ConversationNotFound(conversationId)))
                .flatMap(found -> found.type() == ConversationType.DIRECT
                        ? Mono.error(new Problems.DirectIsFixed(conversationId))
                        : conversations.update(caller.tenantId(), conversationId, change.title(), change.settings(), now))
                .switchIfEmpty(Mono.error(() -> new ConversationNotFound(conversationId)))
                .flatMap(updated -> publisher.publishUpdated(updated, List.of(), null, now).thenReturn(updated))
                .flatMap(this::withMembers);
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

    Mono<ConversationDetails> withMembers(Conversation conversation) {
        return members.findByConversation(conversation.tenantId(), conversation.id()).collectList()
                .map(found -> new ConversationDetails(conversation, found));
    }

    private Conversation newConversation(ChatPrincipal caller, NewConversation request) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String directKey = request.type() == ConversationType.DIRECT
                ? NewConversation.directKey(caller.tenantId(), caller.userId(), request.otherMemberIds().get(0))
                : null;
        return new Conversation(UUID.randomUUID().toString(), caller.tenantId(), request.type(), request.title(),
                caller.userId(), now, now, directKey, Map.of(), 0, now);
    }

    private static List<Member> membersOf(Conversation conversation, List<String> others) {
        List<Member> result = new ArrayList<>(others.size() + 1);
        result.add(new Member(conversation.id(), conversation.tenantId(), conversation.createdBy(), Role.OWNER,
                conversation.createdAt(), 0));
        others.forEach(userId -> result.add(new Member(conversation.id(), conversation.tenantId(), userId,
                Role.MEMBER, conversation.createdAt(), 0)));
        return List.copyOf(result);
    }
}
