package io.parley.chat.gateway.security;

import org.springframework.http.HttpStatus;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

import io.parley.chat.kit.problem.ProblemResponses;
import reactor.core.publisher.Mono;

/**
 * Spring Security's firewall rejects paths that are not normalized ({@code /../},
 * encoded slashes, {@code ;}) before any route is matched, so that
 * {@code /api/v1/x/../../internal/...} can never reach an internal endpoint. By default
 * that is a 400 with an empty body; this makes it a problem detail like every other error.
 */
@Component
class RejectedRequestHandler implements ServerExchangeRejectedHandler {

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, ServerExchangeRejectedException rejected) {
        return ProblemResponses.write(exchange, HttpStatus.BAD_REQUEST, "invalid-request",
                "The request path is not normalized or contains characters that are not allowed.");
    }
}
