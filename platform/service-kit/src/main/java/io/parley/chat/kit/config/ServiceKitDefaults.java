package io.parley.chat.kit.config;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Settings every service shares, added last so that a service's own
 * {@code application.yaml}, profiles and the environment all override them.
 *
 * <p>Readiness includes only what a service cannot serve without (its Mongo database),
 * not Kafka or Redis: message-service keeps accepting messages while Kafka is down (the
 * sweeper publishes them later), and presence degrades to {@code unknown} without Redis.
 * Taking every replica out of rotation for those would turn a partial outage into a full one.
 *
 * <p>Tracing (docs/operations.md, "Tracing"): Kafka's template and listeners are observed, so a
 * record carries the sender's {@code traceparent} and its consumer continues that trace; Reactor
 * restores the trace into the logging context (MDC) on whichever thread a pipeline runs, so every
 * line a request logs carries its {@code traceId} and {@code spanId}. Nothing is exported unless
 * {@code management.opentelemetry.tracing.export.otlp.endpoint} is set; one trace in ten is
 * sampled, as Boot does, unless {@code management.tracing.sampling.probability} says otherwise.
 */
public class ServiceKitDefaults implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> defaults = Map.ofEntries(
                Map.entry("management.endpoints.web.exposure.include", "health,info,prometheus"),
                Map.entry("management.endpoint.health.probes.enabled", "true"),
                Map.entry("management.endpoint.health.show-details", "always"),
                Map.entry("management.endpoint.health.group.readiness.include", "readinessState,mongo"),
                Map.entry("management.metrics.tags.application", "${spring.application.name}"),
                Map.entry("management.metrics.distribution.percentiles-histogram.http.server.requests", "true"),
                Map.entry("spring.webflux.problemdetails.enabled", "true"),
                Map.entry("spring.http.codecs.max-in-memory-size", "64KB"),
                Map.entry("server.shutdown", "graceful"),
                // topic creation at startup must not hold a service back for 30 s when Kafka is still starting
                Map.entry("spring.kafka.admin.operation-timeout", "5s"),
                Map.entry("spring.kafka.template.observation-enabled", "true"),
                Map.entry("spring.kafka.listener.observation-enabled", "true"),
                Map.entry("spring.reactor.context-propagation", "auto"),
                Map.entry("spring.threads.virtual.enabled", "false"),
                // Caffeine writes a stack trace for every failed asynchronous load: during an outage of
                // conversation-service that is one per membership check; MembershipClient writes one line per 10 s
                Map.entry("logging.level.com.github.benmanes.caffeine.cache.LocalAsyncCache", "error"));
        environment.getPropertySources().addLast(new MapPropertySource("serviceKitDefaults", defaults));
    }
}
