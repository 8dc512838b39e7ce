package io.parley.chat.kit.tracing;

import java.util.Map;

import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;

import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.handler.TracingObservationHandler.TracingContext;
import reactor.util.context.ContextView;

/**
 * Where the trace of the work at hand is found without relying on thread-locals, which a
 * reactive pipeline does not keep on every thread it runs on: in an exchange's attributes
 * (the server observation WebFlux opened for the request) or in a Reactor context (the
 * observation WebFlux and the WebClient put there). Each answers null when there is none,
 * as in a test without a tracer.
 */
public final class CurrentTrace {

    private CurrentTrace() {
    }

    /** The span of the HTTP request whose exchange has these attributes. */
    public static TraceContext ofExchange(Map<String, Object> attributes) {
        return ServerRequestObservationContext.findCurrent(attributes).map(CurrentTrace::ofObservation).orElse(null);
    }

    /** The span of the observation a reactive pipeline runs under. */
    public static TraceContext ofReactorContext(ContextView context) {
        Object observation = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
        return observation instanceof Observation o ? ofObservation(o.getContextView()) : null;
    }

    /** The span the tracing handler made for an observation. */
    public static TraceContext ofObservation(Observation.ContextView observation) {
        TracingContext tracing = observation.get(TracingContext.class);
        Span span = tracing == null ? null : tracing.getSpan();
        return span == null ? null : span.context();
    }
}
