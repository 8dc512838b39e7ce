package io.parley.chat.kit.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.chat.kit.events.EventReader;
import tools.jackson.databind.json.JsonMapper;

class MembershipAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ConversationEventsAutoConfiguration.class,
                    MembershipAutoConfiguration.class));

    @Test
    void staysOffWithoutAConversationServiceUrl() {
        runner.run(context -> assertThat(context).doesNotHaveBean(MembershipClient.class));
    }

    @Test
    void checksMembershipWhenTheUrlIsSetAndInvalidatesWhereEventsAreRead() {
        runner.withPropertyValues("chat.membership.conversation-service-url=http://localhost:1",
                        "chat.membership.cache-ttl=5s")
                .withBean(EventReader.class, () -> new EventReader(JsonMapper.builder().build(), new SimpleMeterRegistry()))
                .run(context -> {
                    assertThat(context).hasSingleBean(MembershipClient.class).hasSingleBean(MembershipEventListener.class);
                    assertThat(context.getBean(MembershipProperties.class).cacheTtl()).isEqualTo(Duration.ofSeconds(5));
                });
    }

    @Test
    void readsTheStoredListOfConversationEventsWhenItsUriIsSet() {
        runner.withPropertyValues("chat.conversation-events.uri=http://localhost:1/internal/v1/conversation-events",
                        "chat.membership.conversation-service-url=http://localhost:1")
                .run(context -> {
                    assertThat(context).hasSingleBean(ConversationEvents.class).hasSingleBean(MembershipClient.class);
                    assertThat(context.getBean(ConversationEventsProperties.class).pollEvery())
                            .isEqualTo(Duration.ofSeconds(2));
                });
    }

    @Test
    void aBadPollIntervalStopsStartupNamingTheSetting() {
        runner.withPropertyValues("chat.conversation-events.uri=http://localhost:1/internal/v1/conversation-events",
                        "chat.conversation-events.poll-every=often")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("chat.conversation-events.poll-every"));
    }
}
