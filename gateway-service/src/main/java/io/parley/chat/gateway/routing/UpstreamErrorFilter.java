package io.parley.chat.gateway.routing;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.cloud.gateway.support.ServiceUnavailableException;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.parley.chat.gateway.web.RequestIdFilter;
import io.parley.chat.kit.problem.ChatProblem;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Turns the ways an upstream call fails into problem details a client can act on.
 * Without it a refused connection surfaces as a 500 with a logged stack trace, and the
 * response timeout as an untyped 504: a service that is down is a retryable 503, not
 * a gateway bug.
 */
@Component
class UpstreamErrorFilter implements GlobalFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger(UpstreamErrorFilter.class);

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        return chain.filter(exchange).onErrorMap(error -> translate(exchange, error));
    }

    private static Throwable translate(ServerWebExchange exchange, Throwable error) {
        String service = service(exchange);
        ChatProblem problem = problemFor(service, error);
        if (problem == null) {
            return error;
        }
        if (problem instanceof HandshakeRefused || problem instanceof RequestTooLarge) {
            log.debug("{} refused the request: {}", service, error.getMessage());
        } else {
            // the path names no secret; the query string and headers (tokens) are left out
            log.warn("{} {} via {} failed (request {}): {}", exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(), service, RequestIdFilter.of(exchange), error.toString());
        }
        return problem;
    }

    /** Whether an error means the service could not be reached or did not answer: what a circuit breaker counts. */
    static boolean isUpstreamFailure(Throwable error) {
        ChatProblem problem = problemFor("upstream", error);
        return problem instanceof UpstreamUnavailable || problem instanceof UpstreamTimeout
                || problem instanceof UpstreamAborted;
    }

    private static ChatProblem problemFor(String service, Throwable error) {
        if (has(error, RequestTooLarge.class)) {
            return find(error, RequestTooLarge.class);
        }
        if (has(error, ServiceUnavailableException.class) || has(error, CallNotPermittedException.class)) {
            // the route's circuit breaker is open: the service failed repeatedly, it is not called for now
            return new UpstreamUnavailable(service);
        }
        if (has(error, WebSocketClientHandshakeException.class)) {
            return handshakeFailure(service, find(error, WebSocketClientHandshakeException.class));
        }
        if (has(error, ConnectException.class) || has(error, UnknownHostException.class)) {
            return new UpstreamUnavailable(service);
        }
        if (has(error, PrematureCloseException.class)) {
            return new UpstreamAborted(service);
        }
        if (has(error, TimeoutException.class) || has(error, org.springframework.cloud.gateway.support.TimeoutException.class)
                || (error instanceof ResponseStatusException rse
                && rse.getStatusCode().value() == HttpStatus.GATEWAY_TIMEOUT.value())) {
            return new UpstreamTimeout(service);
        }
        return null;
    }

    private static ChatProblem handshakeFailure(String service, WebSocketClientHandshakeException error) {
        HttpStatus status = error.response() == null ? null : HttpStatus.resolve(error.response().status().code());
        if (status != null && status.is4xxClientError()) {
            return new HandshakeRefused(status);
        }
        return new UpstreamUnavailable(service);
    }

    private static String service(ServerWebExchange exchange) {
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        return route == null ? "upstream" : route.getId();
    }

    private static boolean has(Throwable error, Class<? extends Throwable> type) {
        return find(error, type) != null;
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
