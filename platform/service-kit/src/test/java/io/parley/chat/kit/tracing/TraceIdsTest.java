package io.parley.chat.kit.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.parley.chat.kit.problem.ChatProblem;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A service with the kit's defaults and a real tracer: every problem body names the trace of
 * the request it answers ({@code traceId}), whether the handler or a security filter wrote it,
 * and every line the request logs carries the same {@code traceId} and its {@code spanId}, on
 * the thread the pipeline happens to run on. The caller's {@code traceparent} is continued, so
 * its trace id is the one expected everywhere.
 */
@ExtendWith(OutputCaptureExtension.class)
class TraceIdsTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static ConfigurableApplicationContext context;
    private static int port;

    @BeforeAll
    static void start() {
        context = new SpringApplicationBuilder(ProbeApplication.class)
                .properties("logging.structured.format.console=ecs", "spring.main.banner-mode=off",
                        "spring.application.name=probe-service", "chat.security.public-paths=/probe/**",
                        "spring.autoconfigure.exclude=org.springframework.boot.mongodb.autoconfigure.MongoAutoConfiguration,"
                                + "org.springframework.boot.mongodb.autoconfigure.MongoReactiveAutoConfiguration,"
                                + "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration")
                .run("--server.port=0", "--management.endpoint.health.group.readiness.include=readinessState");
        port = ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    @AfterAll
    static void stop() {
        context.close();
        LoggingSystem.get(TraceIdsTest.class.getClassLoader()).cleanUp();
    }

    @Test
    void aProblemFromTheHandlerCarriesTheRequestsTraceId() throws Exception {
        JsonNode problem = JSON.readTree(get("/probe/missing").body());

        assertThat(problem.path("code").asString()).isEqualTo("not-found");
        assertThat(problem.path("traceId").asString()).isEqualTo(TRACE_ID);
    }

    @Test
    void aProblemWrittenByASecurityFilterCarriesTheRequestsTraceId() throws Exception {
        HttpResponse<String> answer = get("/private");

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(answer.body()).path("traceId").asString()).isEqualTo(TRACE_ID);
    }

    @Test
    void everyLineARequestLogsCarriesItsTraceAndSpan(CapturedOutput output) throws Exception {
        JsonNode problem = JSON.readTree(get("/probe/fails").body());
        assertThat(problem.path("traceId").asString()).isEqualTo(TRACE_ID);

        List<JsonNode> lines = output.getOut().lines().filter(line -> line.startsWith("{")).map(JSON::readTree).toList();
        JsonNode handled = line(lines, "Handling the probe");
        JsonNode failed = line(lines, "Unhandled error on GET /probe/fails");
        for (JsonNode line : List.of(handled, failed)) {
            assertThat(line.path("traceId").asString()).isEqualTo(TRACE_ID);
            assertThat(line.path("spanId").asString()).matches("[0-9a-f]{16}").isNotEqualTo(CALLER_SPAN);
        }
    }

    private static JsonNode line(List<JsonNode> lines, String start) {
        return lines.stream().filter(line -> line.path("message").asString().startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starts with " + start));
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(ProbeController.class)
    static class ProbeApplication {
    }

    @RestController
    static class ProbeController {

        private static final Logger log = LoggerFactory.getLogger(ProbeController.class);

        @GetMapping("/probe/missing")
        Mono<String> missing() {
            return Mono.error(new ChatProblem(HttpStatus.NOT_FOUND, "not-found", "There is no such probe."));
        }

        /** Logs on another thread than the request's, then fails: both lines must name the request's trace. */
        @GetMapping("/probe/fails")
        Mono<String> fails() {
            return Mono.fromCallable(() -> {
                log.info("Handling the probe");
                throw new IllegalStateException("the probe failed");
            }).subscribeOn(Schedulers.boundedElastic()).map(Object::toString);
        }
    }
}
