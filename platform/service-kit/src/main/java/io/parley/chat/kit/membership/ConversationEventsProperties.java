package io.parley.chat.kit.membership;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotNull;

/**
 * @param uri       conversation-service's list of recent conversation events
 *                  ({@value ConversationEvents#PATH}); setting it turns {@link ConversationEvents} on
 * @param pollEvery how often the list is read: the bound on a removal or role change while Kafka is down
 * @param remember  how long an event's id is remembered so that it is applied once; longer than
 *                  conversation-service lists it ({@code chat.conversation.keep-published}, 30 min)
 */
@Validated
@ConfigurationProperties("chat.conversation-events")
public record ConversationEventsProperties(
        @NotNull URI uri,
        @NotNull @DefaultValue("2s") Duration pollEvery,
        @NotNull @DefaultValue("40m") Duration remember) {
}
