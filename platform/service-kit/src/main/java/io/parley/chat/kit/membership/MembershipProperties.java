package io.parley.chat.kit.membership;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotNull;

/**
 * @param conversationServiceUrl where membership is checked; setting it turns the {@link MembershipClient} on
 * @param cacheTtl               how long a positive membership answer is trusted without an event
 */
@Validated
@ConfigurationProperties("chat.membership")
public record MembershipProperties(
        @NotNull URI conversationServiceUrl,
        @NotNull @DefaultValue("30s") Duration cacheTtl) {
}
