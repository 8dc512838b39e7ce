package io.parley.chat.edge.command;

import org.springframework.stereotype.Component;

import io.parley.chat.contracts.frames.ErrorCode;
import io.parley.chat.contracts.frames.ServerFrames;
import io.parley.chat.edge.delivery.FeedRegistry;
import io.parley.chat.edge.delivery.Subscription;
import io.parley.chat.edge.session.ClientSession;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/** {@code unsubscribe}: ends the socket's subscription to the conversation, if it has one, and says {@code unsubscribed}. */
@Component
class UnsubscribeHandler implements CommandHandler {

    private final FeedRegistry feeds;
    private final CommandSupport support;

    UnsubscribeHandler(FeedRegistry feeds, CommandSupport support) {
        this.feeds = feeds;
        this.support = support;
    }

    @Override
    public String type() {
        return "unsubscribe";
    }

    @Override
    public Mono<Void> handle(ClientSession client, String id, JsonNode frame) {
        String conversationId = CommandSupport.field(frame, "conversationId");
        if (conversationId == null) {
            return support.reject(client, id, ErrorCode.INVALID, "'conversationId' is required");
        }
        Subscription subscription = client.subscriptions().remove(conversationId);
        if (subscription != null) {
            feeds.detach(subscription);
        }
        return support.reply(client, new ServerFrames.Unsubscribed(id, conversationId));
    }
}
