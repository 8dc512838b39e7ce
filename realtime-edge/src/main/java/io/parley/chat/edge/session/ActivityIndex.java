package io.parley.chat.edge.session;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.chat.contracts.frames.ServerFrames;
import io.parley.chat.edge.clients.ConversationClient;
import io.parley.chat.edge.config.EdgeProperties;
import io.parley.chat.edge.delivery.FrameEncoder;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * {@code activity} frames: a socket hears of new messages in its user's conversations
 * that it has not subscribed to, so that a client can keep unread badges without
 * subscribing to everything.
 *
 * <p>The index is per user, not per socket: when a user's first socket arrives, the ids
 * of their newest {@code activityConversations} conversations are read from
 * conversation-service (with their token) into {@code conversation -> users}; membership
 * events keep it current; it is dropped when their last socket leaves. A socket costs
 * nothing here beyond its user's entry. Frames are coalesced: a flush every
 * {@code activityInterval} sends each socket at most one frame per conversation, with the
 * latest head seq, each frame encoded once for all the sockets that get it.
 *
 * <p>Where docs/protocol.md leaves room: {@code activity} covers the user's 500 most
 * recently active conversations when the socket connects, plus those joined since; it is
 * coalesced to at most one frame per conversation per socket every 250 ms, with the latest
 * {@code headSeq}; every log entry counts (edits, deletes, and the user's own sends from
 * another device).
 *
 * <p>Best effort by design: a user whose list cannot be read gets no activity frames (the
 * client still has {@code GET /conversations}), and messaging is not affected.
 */
@Component
public class ActivityIndex implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ActivityIndex.class);

    /** One connected user's indexed conversations; identity matters, so that a late load never revives a user who left. */
    private static final class UserConversations {
        final String tenantId;
        final String userId;
        /** {@link SessionRegistry#userKey}, made once: {@link #offer} looks every member up for every message. */
        final String key;
        final Set<String> conversationIds = ConcurrentHashMap.newKeySet();

        UserConversations(String tenantId, String userId) {
            this.tenantId = tenantId;
            this.userId = userId;
            this.key = SessionRegistry.userKey(tenantId, userId);
        }
    }

    private final ConcurrentMap<String, UserConversations> byUser = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Set<UserConversations>> byConversation = new ConcurrentHashMap<>();
    private final ConcurrentMap<ClientSession, Map<String, Long>> pending = new ConcurrentHashMap<>();
    private final SessionRegistry sessions;
    private final ConversationClient conversations;
    private final FrameEncoder encoder;
    private final int perUser;
    private final Disposable flusher;

    ActivityIndex(SessionRegistry sessions, ConversationClient conversations, FrameEncoder encoder,
                  EdgeProperties properties, MeterRegistry metrics) {
        this.sessions = sessions;
        this.conversations = conversations;
        this.encoder = encoder;
        this.perUser = properties.activityConversations();
        long every = properties.activityInterval().toMillis();
        this.flusher = Schedulers.parallel().schedulePeriodically(this::flush, every, every, TimeUnit.MILLISECONDS);
        Gauge.builder("chat.edge.activity.conversations", byConversation, Map::size)
                .description("Conversations indexed for activity frames on this edge").register(metrics);
    }

    /**
     * A socket is open (already in the session registry). The first socket of a user
     * starts reading their conversations; the read runs on its own, bounded by the
     * client's timeout and page count, and lands only if the user is still here.
     */
    public void connected(ClientSession session) {
        if (perUser == 0) {
            return;
        }
        String tenantId = session.principal().tenantId();
        String userId = session.principal().userId();
        boolean[] created = {false};
        UserConversations entry = byUser.computeIfAbsent(key(tenantId, userId), k -> {
            created[0] = true;
            return new UserConversations(tenantId, userId);
        });
        if (!created[0]) {
            return;
        }
        conversations.conversationIds(session.principal().token(), perUser)
                .collectList()
                .subscribe(ids -> ids.forEach(id -> add(entry, id)),
                        e -> log.debug("Activity index for a user not loaded: {}", e.toString()));
    }

    /** A socket is gone (already out of the session registry): the user's entry goes with their last socket. */
    public void released(ClientSession session) {
        pending.remove(session);
        String tenantId = session.principal().tenantId();
        String userId = session.principal().userId();
        UserConversations[] removed = {null};
        byUser.computeIfPresent(key(tenantId, userId), (k, entry) -> {
            if (sessions.count(tenantId, userId) > 0) {
                return entry;
            }
            removed[0] = entry;
            return null;
        });
        if (removed[0] != null) {
            removed[0].conversationIds.forEach(id -> unindex(removed[0], id));
        }
    }

    /** The users became members of the conversation (added, or it was created with them). */
    public void membersAdded(String tenantId, String conversationId, List<String> userIds) {
        for (String userId : userIds) {
            UserConversations entry = byUser.get(key(tenantId, userId));
            if (entry != null) {
                add(entry, conversationId);
            }
        }
    }

    public void memberRemoved(String tenantId, String conversationId, String userId) {
        UserConversations entry = byUser.get(key(tenantId, userId));
        if (entry != null && entry.conversationIds.remove(conversationId)) {
            unindex(entry, conversationId);
        }
    }

    /** True when some connected user here is a member of the conversation: only then is its message event read for activity. */
    public boolean isIndexed(String conversationId) {
        return conversationId != null && byConversation.containsKey(conversationId);
    }

    /** The conversation's log reached {@code headSeq}: queued for the members' sockets that are not subscribed to it. */
    public void offer(String tenantId, String conversationId, long headSeq) {
        Set<UserConversations> members = byConversation.get(conversationId);
        if (members == null) {
            return;
        }
        for (UserConversations member : members) {
            if (!member.tenantId.equals(tenantId)) {
                continue;
            }
            for (ClientSession session : sessions.ofUser(member.key)) {
                if (!session.subscriptions().containsKey(conversationId)) {
                    pending.compute(session, (s, heads) -> {
                        Map<String, Long> next = heads == null ? new HashMap<>(4) : heads;
                        next.merge(conversationId, headSeq, Math::max);
                        return next;
                    });
                }
            }
        }
    }

    /** Writes what was queued since the last flush; a socket that subscribed meanwhile gets the messages instead. */
    void flush() {
        if (pending.isEmpty()) {
            return;
        }
        Map<String, byte[]> frames = new HashMap<>();
        for (ClientSession session : pending.keySet()) {
            Map<String, Long> heads = pending.remove(session);
            if (heads == null) {
                continue;
            }
            heads.forEach((conversationId, headSeq) -> {
                if (!session.subscriptions().containsKey(conversationId)) {
                    session.send(frames.computeIfAbsent(conversationId + "@" + headSeq,
                            k -> encoder.encode(new ServerFrames.Activity(conversationId, headSeq))));
                }
            });
        }
    }

    private void add(UserConversations entry, String conversationId) {
        if (byUser.get(entry.key) != entry || entry.conversationIds.size() >= 2 * perUser) {
            return;
        }
        entry.conversationIds.add(conversationId);
        byConversation.compute(conversationId, (k, members) -> {
            Set<UserConversations> next = members == null ? ConcurrentHashMap.newKeySet() : members;
            next.add(entry);
            return next;
        });
        if (byUser.get(entry.key) != entry) {
            // the user left while this was being added
            unindex(entry, conversationId);
        }
    }

    private void unindex(UserConversations entry, String conversationId) {
        byConversation.computeIfPresent(conversationId, (k, members) -> {
            members.remove(entry);
            return members.isEmpty() ? null : members;
        });
    }

    private static String key(String tenantId, String userId) {
        return SessionRegistry.userKey(tenantId, userId);
    }

    @Override
    public void destroy() {
        flusher.dispose();
    }
}
