package io.parley.chat.kit.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/** An outage is a line per interval and key, naming the failure's classes and never its message. */
class ThrottledWarningTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger("throttled-warning-test");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void listen() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(lines);
    }

    @Test
    void aThousandFailuresInTheIntervalAreOneLinePerKey() {
        ThrottledWarning warning = new ThrottledWarning(logger, Duration.ofMinutes(1));
        Exception failure = new IllegalStateException("Bearer eyJ.secret.token", new TimeoutException("body text"));
        for (int i = 0; i < 1000; i++) {
            warning.warn("conversation-service", failure, "{} failed: {} ({})");
            warning.warn("message-service", failure, "{} failed: {} ({})");
        }
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "conversation-service failed: IllegalStateException (TimeoutException)",
                "message-service failed: IllegalStateException (TimeoutException)");
    }

    @Test
    void aFailureAfterTheIntervalIsWrittenAgain() {
        ThrottledWarning warning = new ThrottledWarning(logger, Duration.ZERO);
        assertThat(warning.warn("s", new TimeoutException(), "{} {} {}")).isTrue();
        assertThat(warning.warn("s", new TimeoutException(), "{} {} {}")).isTrue();
        assertThat(lines.list).hasSize(2);
    }
}
