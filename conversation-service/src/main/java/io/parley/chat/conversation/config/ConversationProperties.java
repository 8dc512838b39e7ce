package io.parley.chat.conversation.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import org.hibernate.validator.constraints.time.DurationMin;

import jakarta.validation.constraints.NotNull;

/**
 * @param publishTimeout how long a request waits for Kafka to take an event before it answers anyway
 *                       (the event stays in the outbox and the sweeper publishes it)
 * @param sweepInterval  how often the outbox is read for events older than the publish timeout
 * @param keepPublished  how long a published event stays listed at {@code /internal/v1/conversation-events} for
 *                       the replicas that read it (service-kit's ConversationEvents remembers ids longer)
 */
@Validated
@ConfigurationProperties("chat.conversation")
public record ConversationProperties(@NotNull @DefaultValue("5s") Duration publishTimeout,
                                     @NotNull @DurationMin(millis = 100) @DefaultValue("2s") Duration sweepInterval,
                                     @NotNull @DurationMin(minutes = 1) @DefaultValue("30m") Duration keepPublished) {
}
