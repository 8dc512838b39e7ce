package io.parley.chat.message.config;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * @param conversationServiceUrl where membership is checked
 * @param bodyMaxLength          longest accepted body, in code points after NFC normalisation
 * @param publishTimeout         how long a send waits for Kafka before answering anyway (the sweeper publishes later)
 * @param sweepInterval          how often unpublished messages are looked for
 * @param sweepGrace             how old an unpublished message must be before the sweeper takes it over
 * @param fullSweepInterval      how often the sweepers read the message log when this replica saw nothing fail:
 *                               for what another replica left behind when it died. After a failure here (a
 *                               publish not acknowledged, a send that took a seq and did not store), and after
 *                               startup, they read it every {@code sweepInterval} until the grace has passed.
 * @param membershipCacheTtl     how long a positive membership answer is trusted without an event
 */
@Validated
@ConfigurationProperties("chat.message")
public record MessageProperties(
        @NotNull @DefaultValue("http://localhost:8082") URI conversationServiceUrl,
        @Min(1) @Max(100_000) @DefaultValue("4000") int bodyMaxLength,
        @NotNull @DefaultValue("2s") Duration publishTimeout,
        @NotNull @DefaultValue("2s") Duration sweepInterval,
        @NotNull @DefaultValue("5s") Duration sweepGrace,
        @NotNull @DefaultValue("30s") Duration fullSweepInterval,
        @NotNull @DefaultValue("30s") Duration membershipCacheTtl) {
}
