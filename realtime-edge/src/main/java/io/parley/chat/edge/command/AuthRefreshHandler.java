package io.parley.chat.edge.command;

import java.util.List;

import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.stereotype.Component;

import io.parley.chat.contracts.events.SessionEvent;
import io.parley.chat.contracts.frames.CloseCodes;
import io.parley.chat.contracts.frames.ErrorCode;
import io.parley.chat.contracts.frames.ServerFrames;
import io.parley.chat.edge.clients.MessageClient;
import io.parley.chat.edge.clients.UpstreamRefusal;
import io.parley.chat.edge.delivery.FeedRegistry;
import io.parley.chat.edge.delivery.FrameEncoder;
import io.parley.chat.edge.delivery.Subscription;
import io.parley.chat.edge.session.ClientSession;
import io.parley.chat.kit.security.ChatPrincipal;
import io.parley.chat.kit.security.RevokedSessions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code auth.refresh}: replaces the socket's token before it expires. The new token is
 * validated like a handshake's and must name the same user in the same tenant; anything
 * else closes the socket with 4001, as an expired token would.
 */
@Component
class AuthRefreshHandler implements CommandHandler {

    /** Membership checks in flight at once for one socket's {@code auth.refresh}. */
    private static final int MEMBERSHIP_RECHECKS = 4;

    private final ReactiveJwtDecoder tokens;
    private final RevokedSessions revokedSessions;
    private final MessageClient messages;
    private final FeedRegistry feeds;
    private final FrameEncoder encoder;
    private final CommandSupport support;

    AuthRefreshHandler(ReactiveJwtDecoder tokens, RevokedSessions revokedSessions, MessageClient messages,
                       FeedRegistry feeds, FrameEncoder encoder, CommandSupport support) {
        this.tokens = tokens;
        this.revokedSessions = revokedSessions;
        this.messages = messages;
        this.feeds = feeds;
        this.encoder = encoder;
        this.support = support;
    }

    @Override
    public String type() {
        return "auth.refresh";
    }

    @Override
    public Mono<Void> handle(ClientSession client, String id, JsonNode frame) {
        JsonNode token = frame.path("token");
        if (!token.isString() || token.asString().isBlank()) {
            return support.reject(client, id, ErrorCode.INVALID, "'auth.refresh' needs a string 'token'");
        }
        ChatPrincipal current = client.principal();
        return tokens.decode(token.asString())
                .filter(jwt -> current.userId().equals(jwt.getSubject())
                        && current.tenantId().equals(jwt.getClaimAsString(ChatPrincipal.TENANT_CLAIM))
                        && !revokedSessions.isRevoked(jwt))
                .doOnNext(jwt -> {
                    client.refresh(ChatPrincipal.from(jwt), jwt.getExpiresAt(), jwt.getClaimAsString(SessionEvent.SESSION_CLAIM),
                            ClientSession.keyIdOf(jwt));
                    client.send(encoder.encode(new ServerFrames.AuthOk(id)));
                    recheckMemberships(client);
                })
                .switchIfEmpty(Mono.defer(() -> client.close(CloseCodes.TOKEN_INVALID,
                        "token is for another user or a login that ended")
                        .then(Mono.empty())))
                .onErrorResume(e -> client.close(CloseCodes.TOKEN_INVALID, "token rejected").then(Mono.empty()))
                .then();
    }

    /**
     * Asks again, as the user, whether each subscribed conversation still has them: a removal
     * whose event this edge never got (a lost or late {@code MemberRemoved}) ends the
     * subscription here, with the {@code conversation} frame the event would have sent. Runs
     * beside the socket's frames, a few conversations at a time; a check that cannot be
     * answered keeps the subscription (the next refresh asks again).
     */
    private void recheckMemberships(ClientSession client) {
        String token = client.principal().token();
        Flux.fromIterable(List.copyOf(client.subscriptions().values()))
                .flatMap(subscription -> messages.headSeq(token, subscription.conversationId())
                        .then(Mono.<Subscription>empty())
                        .onErrorResume(e -> e instanceof UpstreamRefusal refusal
                                && refusal.code() == ErrorCode.NOT_FOUND ? Mono.just(subscription) : Mono.empty()),
                        MEMBERSHIP_RECHECKS)
                .subscribe(removed -> {
                    if (client.subscriptions().remove(removed.conversationId(), removed)) {
                        feeds.detach(removed);
                        client.send(encoder.encode(new ServerFrames.Conversation(removed.conversationId(),
                                "member.removed", List.of(client.principal().userId()))));
                    }
                });
    }
}
