package io.parley.chat.gateway.routing;

import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigBuilder;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.parley.chat.gateway.config.GatewayProperties;

/**
 * The breakers behind each route's {@code CircuitBreaker} filter. Only failures to reach
 * a service count ({@link UpstreamErrorFilter#isUpstreamFailure}); a body over the limit
 * or an error answer does not. Resilience4j's time limiter is off
 * ({@code spring.cloud.circuitbreaker.resilience4j.disable-time-limiter}): the route's
 * response timeout already bounds every call, and a second, different timeout would cut
 * slow-but-allowed calls short.
 */
@Configuration(proxyBeanMethods = false)
class CircuitBreakerConfiguration {

    @Bean
    Customizer<ReactiveResilience4JCircuitBreakerFactory> routeBreakers(GatewayProperties properties) {
        GatewayProperties.CircuitBreaker settings = properties.circuitBreaker();
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.window())
                .minimumNumberOfCalls(settings.minimumCalls())
                .failureRateThreshold(settings.failureRatePercent())
                .waitDurationInOpenState(settings.openFor())
                .permittedNumberOfCallsInHalfOpenState(settings.halfOpenCalls())
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .recordException(UpstreamErrorFilter::isUpstreamFailure)
                .build();
        return factory -> factory.configureDefault(id -> new Resilience4JConfigBuilder(id)
                .circuitBreakerConfig(config)
                .build());
    }
}
