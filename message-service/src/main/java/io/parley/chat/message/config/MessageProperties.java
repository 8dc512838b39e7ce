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
 * @param fullSweepInterval      how often the sweepers read the message log when nothing gave them a reason to:
 *                               the safety net for a replica that died unnoticed. After a failure here (a
 *                               publish not acknowledged, a send that took a seq and did not store), after
 *                               startup, and after another replica stopped without a goodbye, they read it
 *                               every {@code sweepInterval} until the grace has passed twice.
 * @param replicaTimeout         how long a replica's heartbeat (renewed every {@code sweepInterval}) may go
 *                               unrenewed before the others take it for dead and sweep for what it left
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
        @NotNull @DefaultValue("5m") Duration fullSweepInterval,
        @NotNull @DefaultValue("15s") Duration replicaTimeout,
        @NotNull @DefaultValue("30s") Duration membershipCacheTtl) {

    public MessageProperties {
        if (replicaTimeout != null && sweepInterval != null
                && replicaTimeout.compareTo(sweepInterval.multipliedBy(3)) < 0) {
            throw new IllegalArgumentException("chat.message.replica-timeout (" + replicaTimeout
                    + ") must be at least three times chat.message.sweep-interval (" + sweepInterval
                    + "): a live replica renews its heartbeat once per sweep interval");
        }
    }
}
