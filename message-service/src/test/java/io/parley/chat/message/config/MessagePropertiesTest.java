package io.parley.chat.message.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class MessagePropertiesTest {

    @Test
    void aReplicaTimeoutThatALiveReplicaCouldMissIsRefusedNamingBothSettings() {
        assertThatThrownBy(() -> properties(Duration.ofSeconds(2), Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chat.message.replica-timeout (PT5S)")
                .hasMessageContaining("chat.message.sweep-interval (PT2S)");
    }

    @Test
    void threeSweepIntervalsAreEnough() {
        assertThat(properties(Duration.ofSeconds(2), Duration.ofSeconds(6)).replicaTimeout()).hasSeconds(6);
    }

    private static MessageProperties properties(Duration sweepInterval, Duration replicaTimeout) {
        return new MessageProperties(URI.create("http://localhost:8082"), 4000, Duration.ofSeconds(2), sweepInterval,
                Duration.ofSeconds(5), Duration.ofMinutes(5), replicaTimeout, Duration.ofSeconds(30));
    }
}
