package io.parley.chat.gateway.routing;

import java.util.concurrent.atomic.AtomicLong;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import io.parley.chat.gateway.config.GatewayProperties;
import io.parley.chat.kit.problem.ProblemResponses;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Refuses bodies over {@code chat.gateway.max-request-size} with a 413 problem detail
 * before they cost a token check or a service anything. A declared
 * {@code Content-Length} over the limit is refused at once; a body without one
 * (chunked) is counted as it streams and the forward fails with the same 413 when it
 * crosses the limit ({@link UpstreamErrorFilter} answers it).
 */
@Component
class RequestSizeFilter implements WebFilter, Ordered {

    private final long limit;

    RequestSizeFilter(GatewayProperties properties) {
        this.limit = properties.maxRequestSize().toBytes();
    }

    @Override
    public int getOrder() {
        // after the request id, the client and CORS; before security (-100)
        return Ordered.HIGHEST_PRECEDENCE + 30;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        long declared = request.getHeaders().getContentLength();
        if (declared > limit) {
            return ProblemResponses.write(exchange, HttpStatus.CONTENT_TOO_LARGE, "too-large",
                    RequestTooLarge.detail(limit), false);
        }
        if (declared >= 0) {
            // Netty ends the body at the declared length: nothing more can arrive
            return chain.filter(exchange);
        }
        return chain.filter(exchange.mutate().request(new Counted(request, limit)).build());
    }

    /** A body of unknown length that fails with {@link RequestTooLarge} once it passes the limit. */
    private static final class Counted extends ServerHttpRequestDecorator {

        private final long limit;

        Counted(ServerHttpRequest delegate, long limit) {
            super(delegate);
            this.limit = limit;
        }

        @Override
        public Flux<DataBuffer> getBody() {
            AtomicLong seen = new AtomicLong();
            return super.getBody().handle((buffer, sink) -> {
                if (seen.addAndGet(buffer.readableByteCount()) > limit) {
                    DataBufferUtils.release(buffer);
                    sink.error(new RequestTooLarge(limit));
                } else {
                    sink.next(buffer);
                }
            });
        }
    }
}
