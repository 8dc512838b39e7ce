package io.parley.chat.auth.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** The progressive delay of failed logins per account and address, and the checks of its settings. */
class LoginLimitsTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Bound.class);

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(AuthProperties.class)
    static class Bound {
    }

    @Test
    void theDefaultsDelayFromTheFourthFailureDoublingUpToEightSecondsAndRefuseAfterTen() {
        runner.run(context -> {
            AuthProperties.LoginLimits limits = context.getBean(AuthProperties.class).loginLimits();
            assertThat(limits.perAccountAndAddress()).isEqualTo(10);
            assertThat(limits.perAddress()).isEqualTo(50);
            assertThat(LongStream.rangeClosed(1, 10).mapToObj(limits::delayOf)).containsExactly(
                    Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(2),
                    Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(8), Duration.ofSeconds(8),
                    Duration.ofSeconds(8));
        });
    }

    @Test
    void aLongRunOfFailuresStaysAtTheCap() {
        runner.withPropertyValues("chat.auth.login-limits.first-delay=300ms", "chat.auth.login-limits.max-delay=1s",
                "chat.auth.login-limits.delay-after=0").run(context -> {
                    AuthProperties.LoginLimits limits = context.getBean(AuthProperties.class).loginLimits();
                    assertThat(limits.delayOf(0)).isZero();
                    assertThat(limits.delayOf(1)).isEqualTo(Duration.ofMillis(300));
                    assertThat(limits.delayOf(2)).isEqualTo(Duration.ofMillis(600));
                    assertThat(limits.delayOf(3)).isEqualTo(Duration.ofSeconds(1));
                    assertThat(limits.delayOf(Long.MAX_VALUE)).isEqualTo(Duration.ofSeconds(1));
                });
    }

    @Test
    void badValuesStopStartupNamingTheSetting() {
        runner.withPropertyValues("chat.auth.login-limits.max-delay=20s")
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("chat.auth.loginLimits.maxDelay"));
        runner.withPropertyValues("chat.auth.login-limits.first-delay=0s")
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("chat.auth.loginLimits.firstDelay"));
        runner.withPropertyValues("chat.auth.login-limits.first-delay=5s", "chat.auth.login-limits.max-delay=2s")
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining(
                        "chat.auth.login-limits.first-delay must not be longer than chat.auth.login-limits.max-delay"));
        runner.withPropertyValues("chat.auth.login-limits.per-account-and-address=0")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("chat.auth.loginLimits.perAccountAndAddress"));
        runner.withPropertyValues("chat.auth.login-limits.delay-after=-1")
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("chat.auth.loginLimits.delayAfter"));
        runner.withPropertyValues("chat.auth.login-limits.window=soon")
                .run(context -> assertThat(context).getFailure().cause().hasMessageContaining("chat.auth.login-limits.window"));
    }
}
