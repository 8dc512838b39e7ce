package io.parley.chat.edge.command;

import java.util.LinkedHashSet;
import java.util.List;

import org.springframework.stereotype.Component;

import io.parley.chat.contracts.frames.ErrorCode;
import io.parley.chat.contracts.frames.ServerFrames;
import io.parley.chat.edge.clients.PresenceClient;
import io.parley.chat.edge.config.EdgeProperties;
import io.parley.chat.edge.delivery.FrameEncoder;
import io.parley.chat.edge.presence.PresenceWatchers;
import io.parley.chat.edge.session.ClientSession;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code presence.watch} adds to what the socket watches: 1 to 100 user ids per frame, at
 * most {@code chat.edge.max-watched-users} (500) per socket; there is no unwatch short of
 * closing the socket. {@code presence} frames carry no {@code id}; {@code status} may be
 * {@code unknown} while presence-service cannot read its store.
 */
@Component
class PresenceWatchHandler implements CommandHandler {

    /** What presence-service answers in one read. */
    private static final int WATCH_PER_FRAME = 100;

    private final EdgeProperties properties;
    private final PresenceClient presence;
    private final PresenceWatchers watchers;
    private final FrameEncoder encoder;
    private final CommandSupport support;

    PresenceWatchHandler(EdgeProperties properties, PresenceClient presence, PresenceWatchers watchers,
                         FrameEncoder encoder, CommandSupport support) {
        this.properties = properties;
        this.presence = presence;
        this.watchers = watchers;
        this.encoder = encoder;
        this.support = support;
    }

    @Override
    public String type() {
        return "presence.watch";
    }

    /**
     * Follows the users' presence: a {@code presence} frame for each now (as presence-service
     * knows it), then one on every change. Watches add up, to at most
     * {@code maxWatchedUsers} per socket. The watch is registered before presence is read,
     * so a change that happens meanwhile is not missed; if presence-service cannot be
     * read, the client gets a retryable error and the watch stays in place.
     */
    @Override
    public Mono<Void> handle(ClientSession client, String id, JsonNode frame) {
        List<String> userIds = userIds(frame.path("userIds"));
        if (userIds == null) {
            return support.reject(client, id, ErrorCode.INVALID, "'presence.watch' needs 'userIds': 1 to " + WATCH_PER_FRAME
                    + " user ids (1 to 64 letters, digits, '-' or '_')");
        }
        if (!watchers.watch(client, userIds, properties.maxWatchedUsers())) {
            return support.reject(client, id, ErrorCode.INVALID, "a socket may watch at most " + properties.maxWatchedUsers()
                    + " users");
        }
        return support.detached(client, id, presence.presence(client.principal().token(), userIds)
                .doOnNext(p -> client.send(encoder.encode(new ServerFrames.Presence(p.userId(), p.status(), p.lastSeenAt()))))
                .then());
    }

    /** Distinct valid ids, in the order given; null when the list is missing, empty, too long or has a bad id. */
    private static List<String> userIds(JsonNode list) {
        if (!list.isArray() || list.isEmpty() || list.size() > WATCH_PER_FRAME) {
            return null;
        }
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        for (JsonNode user : list) {
            if (!user.isString() || !CommandSupport.ID.matcher(user.asString()).matches()) {
                return null;
            }
            ids.add(user.asString());
        }
        return List.copyOf(ids);
    }
}
