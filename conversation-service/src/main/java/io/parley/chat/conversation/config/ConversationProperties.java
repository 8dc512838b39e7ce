package io.parley.chat.conversation.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotNull;

/**
 * @param publishTimeout how long a request waits for Kafka to take an event before it answers anyway
 */
@Validated
@ConfigurationProperties("chat.conversation")
public record ConversationProperties(@NotNull @DefaultValue("5s") Duration publishTimeout) {
}
