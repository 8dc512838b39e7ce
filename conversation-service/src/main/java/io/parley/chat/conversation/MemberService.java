package io.parley.chat.conversation;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.stereotype.Service;

import io.parley.chat.conversation.messaging.ConversationEventPublisher;
import io.parley.chat.conversation.persistence.ConversationRepository;
import io.parley.chat.conversation.persistence.MemberRepository;
import io.parley.chat.kit.security.ChatPrincipal;
import reactor.core.publisher.Mono;

/**
 * Membership changes and read markers, authorized here on the server:
 * <ul>
 * <li>add: owners and admins; only an owner may add someone as owner; in a CHANNEL any
 *     user of the tenant may add themself as a member;</li>
 * <li>remove: owners and admins remove members and admins, only owners remove owners;
 *     anyone may leave; the last owner may not leave or step down (409);</li>
 * <li>change a role: owners only;</li>
 * <li>DIRECT conversations keep their pair and roles (409).</li>
 * </ul>
 * A caller who is not a member of a GROUP or DIRECT conversation, or who is in another
 * tenant, gets 404 for all of them. A token with the role {@code service} gets no
 * privilege here: it is a member or not like any user.
 */
@Service
public class MemberService {

    private final ConversationRepository conversations;
    private final MemberRepository members;
    private final ConversationService conversationService;
    private final ConversationEventPublisher publisher;
    private final Clock clock = Clock.systemUTC();

    MemberService(ConversationRepository conversations, MemberRepository members,
                  ConversationService conversationService, ConversationEventPublisher publisher) {
        this.conversations = conversations;
        this.members = members;
        this.conversationService = conversationService;
        this.publisher = publisher;
    }

    /**
     * Adds the users who are not members yet with {@code role}; existing members keep their
     * role. A new member's read marker starts at the current head: what was said before they
     * joined is history to them, not unread. Every user must be one of the caller's tenant,
     * or nothing is added.
     */
    public Mono<ConversationDetails> add(ChatPrincipal caller, String conversationId, NewMembers request) {
        Instant now = now();
        return conversation(caller, conversationId)
                .flatMap(conversation -> authorizeAdd(caller, conversation, request)
                        .then(conversationService.requireUsers(caller, request.userIds()))
                        .thenReturn(conversation))
                .flatMap(conversation -> members.findByConversation(caller.tenantId(), conversationId)
                        .map(Member::userId).collect(Collectors.toSet())
                        .flatMap(existing -> insertNew(conversation, request, existing, now))
                        .thenReturn(conversation))
                .flatMap(conversationService::withMembers);
    }

    /** Removes a member, or the caller leaves when {@code userId} is the caller. */
    public Mono<Void> remove(ChatPrincipal caller, String conversationId, String userId) {
        Instant now = now();
        return conversation(caller, conversationId)
                .flatMap(conversation -> conversationService.membership(caller, conversationId)
                        .flatMap(me -> authorizeRemove(me, conversation, userId))
                        .then(members.delete(caller.tenantId(), conversationId, userId))
                        .filter(Boolean::booleanValue)
                        .switchIfEmpty(Mono.error(() -> new Problems.MemberNotFound(conversationId, userId)))
                        .then(publisher.publishMemberRemoved(conversation, userId, now)));
    }

    /** Owners only; an owner who steps down must not be the last one. */
    public Mono<Member> changeRole(ChatPrincipal caller, String conversationId, String userId, Role role) {
        Instant now = now();
        return conversation(caller, conversationId)
                .flatMap(conversation -> conversationService.membership(caller, conversationId)
                        .flatMap(me -> authorizeRoleChange(me, conversation, userId, role))
                        .then(members.setRole(caller.tenantId(), conversationId, userId, role))
                        .switchIfEmpty(Mono.error(() -> new Problems.MemberNotFound(conversationId, userId)))
                        .flatMap(changed -> publisher.publishUpdated(conversation, List.of(userId), role, now)
                                .thenReturn(changed)));
    }

    /** Moves the caller's read marker forward to {@code seq}; a lower seq leaves it where it is. */
    public Mono<Member> markRead(ChatPrincipal caller, String conversationId, long seq) {
        return members.advanceRead(caller.tenantId(), conversationId, caller.userId(), seq)
                .switchIfEmpty(Mono.error(() -> new ConversationNotFound(conversationId)));
    }

    /**
     * The conversation as the caller may see it for a change: a member's, or any CHANNEL
     * of the caller's tenant (so that non-members can join and get 403 for the rest).
     */
    private Mono<Conversation> conversation(ChatPrincipal caller, String conversationId) {
        return conversations.findById(caller.tenantId(), conversationId)
                .filterWhen(found -> found.type() == ConversationType.CHANNEL ? Mono.just(true)
                        : members.find(caller.tenantId(), conversationId, caller.userId()).hasElement())
                .switchIfEmpty(Mono.error(() -> new ConversationNotFound(conversationId)));
    }

    private Mono<Void> authorizeAdd(ChatPrincipal caller, Conversation conversation, NewMembers request) {
        if (conversation.type() == ConversationType.DIRECT) {
            return Mono.error(new Problems.DirectIsFixed(conversation.id()));
        }
        boolean joiningItself = conversation.type() == ConversationType.CHANNEL && request.role() == Role.MEMBER
                && request.userIds().equals(List.of(caller.userId()));
        return members.find(caller.tenantId(), conversation.id(), caller.userId())
                .map(me -> me.canManageMembers() && (request.role() != Role.OWNER || me.role() == Role.OWNER)
                        || joiningItself)
                .defaultIfEmpty(joiningItself)
                .flatMap(allowed -> allowed ? Mono.<Void>empty() : Mono.error(new Problems.NotAllowed(
                        request.role() == Role.OWNER ? "Only owners may add owners."
                                : conversation.type() == ConversationType.CHANNEL
                                        ? "Only owners and admins may add others; you may join yourself as a member."
                                        : "Only owners and admins may add members.")));
    }

    private Mono<Void> insertNew(Conversation conversation, NewMembers request, Set<String> existing, Instant now) {
        List<String> added = request.userIds().stream().filter(userId -> !existing.contains(userId)).toList();
        if (added.isEmpty()) {
            return Mono.empty();
        }
        List<Member> rows = added.stream()
                .map(userId -> new Member(conversation.id(), conversation.tenantId(), userId, request.role(), now,
                        conversation.headSeq()))
                .toList();
        return members.insertMissing(rows)
                .then(publisher.publishMembersAdded(conversation, added, request.role(), now));
    }

    private Mono<Void> authorizeRemove(Member me, Conversation conversation, String userId) {
        if (conversation.type() == ConversationType.DIRECT) {
            return Mono.error(new Problems.DirectIsFixed(conversation.id()));
        }
        if (me.userId().equals(userId)) {
            return me.role() == Role.OWNER ? requireAnotherOwner(conversation) : Mono.empty();
        }
        if (!me.canManageMembers()) {
            return Mono.error(new Problems.NotAllowed("Only owners and admins may remove others; you may leave."));
        }
        return members.find(me.tenantId(), conversation.id(), userId)
                .switchIfEmpty(Mono.error(() -> new Problems.MemberNotFound(conversation.id(), userId)))
                .flatMap(target -> target.role() == Role.OWNER && me.role() != Role.OWNER
                        ? Mono.error(new Problems.NotAllowed("Only owners may remove an owner."))
                        : Mono.empty());
    }

    private Mono<Void> authorizeRoleChange(Member me, Conversation conversation, String userId, Role role) {
        if (conversation.type() == ConversationType.DIRECT) {
            return Mono.error(new Problems.DirectIsFixed(conversation.id()));
        }
        if (me.role() != Role.OWNER) {
            return Mono.error(new Problems.NotAllowed("Only owners may change roles."));
        }
        return me.userId().equals(userId) && role != Role.OWNER ? requireAnotherOwner(conversation) : Mono.empty();
    }

    /**
     * Counted before the change, so two owners stepping down at the same moment could both
     * pass: without transactions (mongo-java-server has none) this is the known race, and
     * its outcome is an ownerless conversation that admins still manage.
     */
    private Mono<Void> requireAnotherOwner(Conversation conversation) {
        return members.countOwners(conversation.tenantId(), conversation.id())
                .flatMap(owners -> owners > 1 ? Mono.<Void>empty()
                        : Mono.error(new Problems.LastOwner(conversation.id())));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
