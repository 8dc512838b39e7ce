package io.parley.chat.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** What each service's JVM is started with, as ./run starts it and as CHAT_JVM_OPTS overrides it. */
class JvmOptionsTest {

    @Test
    void withTheDefaultsTheRelayPathKeepsTheFullJitAndTheRestRunOnC1() {
        LocalCluster.Options options = options(LocalCluster.Options.DEFAULT_JVM_OPTIONS);

        for (String service : List.of("gateway-service", "realtime-edge")) {
            assertThat(options.jvmOptionsOf(service)).doesNotContain("-XX:TieredStopAtLevel=1")
                    .contains("-XX:+UseSerialGC", "-Xmx384m", "-XX:+ExitOnOutOfMemoryError");
        }
        for (String service : List.of("auth-service", "conversation-service", "message-service", "presence-service")) {
            assertThat(options.jvmOptionsOf(service)).isEqualTo(LocalCluster.Options.DEFAULT_JVM_OPTIONS);
        }
    }

    @Test
    void optionsGivenByHandGoToEveryServiceAsGiven() {
        List<String> given = List.of("-XX:TieredStopAtLevel=1", "-Xmx256m");
        LocalCluster.Options options = options(given);

        assertThat(options.jvmOptionsOf("gateway-service")).isEqualTo(given);
        assertThat(options.jvmOptionsOf("auth-service")).isEqualTo(given);
    }

    private static LocalCluster.Options options(List<String> jvm) {
        return new LocalCluster.Options(Path.of("."), Path.of("target/jvm-options-test"), false, false, Map.of(), jvm,
                Duration.ofSeconds(1), System.out);
    }
}
