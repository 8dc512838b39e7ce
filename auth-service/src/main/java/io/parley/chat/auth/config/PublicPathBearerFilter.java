package io.parley.chat.auth.config;

import java.util.List;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.PathContainer;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import reactor.core.publisher.Mono;

/**
 * Drops the {@code Authorization} header on public paths before Spring Security sees it.
 * The resource server authenticates any bearer token it finds, even on a permitted path,
 * and answers 401 when it is invalid; but a client calls {@code /auth/refresh} precisely
 * because its access token has expired, and many clients attach that token to every call.
 * The public endpoints authenticate by their body (password, refresh token), so the
 * header carries nothing they need.
 *
 * <p>This belongs in the service-kit's filter chain (a bearer-token converter that skips
 * public paths); it lives here until the kit has it.
 */
class PublicPathBearerFilter implements WebFilter, Ordered {

    /** Before Spring Security's WebFilterChainProxy (order -100). */
    static final int ORDER = -101;

    private final List<PathPattern> publicPaths;

    PublicPathBearerFilter(List<String> publicPaths) {
        this.publicPaths = publicPaths.stream().map(PathPatternParser.defaultInstance::parse).toList();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        var request = exchange.getRequest();
        if (!request.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION) || !isPublic(request.getPath().pathWithinApplication())) {
            return chain.filter(exchange);
        }
        return chain.filter(exchange.mutate()
                .request(r -> r.headers(headers -> headers.remove(HttpHeaders.AUTHORIZATION)))
                .build());
    }

    private boolean isPublic(PathContainer path) {
        return publicPaths.stream().anyMatch(pattern -> pattern.matches(path));
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
