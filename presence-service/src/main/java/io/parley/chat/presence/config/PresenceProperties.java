package io.parley.chat.presence.config;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotNull;

/**
 * @param sessionTtl         how long a session counts as live after its last connect or heartbeat;
 *                           edges heartbeat well within it
 * @param lastSeenTtl        how long the last-seen instant of a user who stays away is kept
 * @param publishTimeout     how long a request waits for Kafka to take an event before it answers anyway
 * @param failureLogInterval at most one log line per interval while Redis or Kafka keep failing
 * @param sweepInterval      how often lapsed sessions are looked for: an edge that dies without a goodbye
 *                           shows its users offline at most this long after their sessions' TTL
 * @param typingThrottle     at most one Typing event per user and conversation within this window
 * @param conversationServiceUrl where read markers are stored (membership checks use {@code chat.membership.*},
 *                           user id checks {@code chat.directory.*})
 */
@Validated
@ConfigurationProperties("chat.presence")
public record PresenceProperties(
        @NotNull @DefaultValue("60s") Duration sessionTtl,
        @NotNull @DefaultValue("30d") Duration lastSeenTtl,
        @NotNull @DefaultValue("2s") Duration publishTimeout,
        @NotNull @DefaultValue("30s") Duration failureLogInterval,
        @NotNull @DefaultValue("1s") Duration sweepInterval,
        @NotNull @DefaultValue("3s") Duration typingThrottle,
        @NotNull @DefaultValue("http://localhost:8082") URI conversationServiceUrl) {
}
