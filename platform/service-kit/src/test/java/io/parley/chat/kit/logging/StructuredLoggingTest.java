package io.parley.chat.kit.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a service writes with {@code LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs}, as the image sets
 * it (with the banner off, as there): one JSON object per line in Elastic Common Schema, named by the service, with a
 * failure's stack trace inside its line (a collector that splits on newlines keeps the whole
 * event), so that logs are searchable by field rather than parsed from text.
 */
@ExtendWith(OutputCaptureExtension.class)
class StructuredLoggingTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ConfigurableApplicationContext context;

    @AfterEach
    void stop() {
        if (context != null) {
            context.close();
        }
        LoggingSystem.get(getClass().getClassLoader()).cleanUp();
    }

    @Configuration(proxyBeanMethods = false)
    static class NoBeans {
    }

    /** A field by its ECS name ({@code log.level}), written flat or as nested objects. */
    private static String field(JsonNode line, String name) {
        if (line.has(name)) {
            return line.get(name).asString();
        }
        JsonNode node = line;
        for (String part : name.split("\\.")) {
            node = node.path(part);
        }
        return node.asString();
    }

    @Test
    void everyLineIsOneEcsJsonObjectNamedByTheService(CapturedOutput output) {
        context = new SpringApplicationBuilder(NoBeans.class).web(WebApplicationType.NONE)
                .properties("logging.structured.format.console=ecs", "spring.main.banner-mode=off",
                        "spring.application.name=message-service")
                .run();
        LoggerFactory.getLogger("io.parley.chat.message.MessageService")
                .warn("Entry {} of {} stored after a retry", 7, "c1", new IllegalStateException("store was slow"));

        List<JsonNode> lines = output.getOut().lines().filter(line -> !line.isBlank()).map(JSON::readTree).toList();
        assertThat(lines).as("every line of the output parses as JSON").isNotEmpty();
        JsonNode warning = lines.stream().filter(line -> line.path("message").asString().startsWith("Entry 7"))
                .findFirst().orElseThrow();
        assertThat(field(warning, "@timestamp")).isNotEmpty();
        assertThat(field(warning, "log.level")).isEqualTo("WARN");
        assertThat(field(warning, "log.logger")).isEqualTo("io.parley.chat.message.MessageService");
        assertThat(field(warning, "service.name")).isEqualTo("message-service");
        assertThat(field(warning, "ecs.version")).isNotEmpty();
        assertThat(field(warning, "message")).isEqualTo("Entry 7 of c1 stored after a retry");
        assertThat(field(warning, "error.type")).isEqualTo("java.lang.IllegalStateException");
        assertThat(field(warning, "error.stack_trace")).contains("StructuredLoggingTest");
    }
}
