package io.parley.chat.gateway.web;

import java.time.Duration;
import java.util.List;

import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsWebFilter;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;

import io.parley.chat.gateway.config.GatewayProperties;

/**
 * CORS for the configured frontend origins ({@code ALLOWED_ORIGINS}, the same list the
 * edge checks WebSocket origins against). It runs before Spring Security: a preflight
 * carries no token and must be answered, not refused with 401. No credentials (cookies)
 * are allowed: the API takes bearer tokens only. {@code /ws} is left to the edge, which
 * checks the origin of every handshake itself. The client library under {@code /lib} may be
 * read (GET) from the same origins, so that a page there can load it as a module script,
 * which a browser fetches with CORS; the web app's own pages stay same-origin only.
 */
@Component
class CorsFilter extends CorsWebFilter implements Ordered {

    private static final List<String> PATHS = List.of("/api/**", "/.well-known/**", "/docs/**");
    /** the JS client (parley.js, the npm package @parley/client, and its declarations) */
    private static final String LIBRARY = "/lib/**";

    CorsFilter(GatewayProperties properties) {
        super(source(properties.allowedOrigins()));
    }

    @Override
    public int getOrder() {
        // after the request id and the client are known, before security (-100)
        return Ordered.HIGHEST_PRECEDENCE + 20;
    }

    private static UrlBasedCorsConfigurationSource source(List<String> configured) {
        List<String> origins = configured.stream().map(String::strip).filter(o -> !o.isEmpty()).toList();
        CorsConfiguration config = new CorsConfiguration();
        config.setAllowedOrigins(origins);
        config.setAllowedMethods(List.of("GET", "POST", "PUT", "PATCH", "DELETE"));
        config.setAllowedHeaders(List.of("Authorization", "Content-Type", RequestIdFilter.REQUEST_ID,
                RequestIdFilter.TRACEPARENT, "tracestate"));
        config.setExposedHeaders(List.of(RequestIdFilter.REQUEST_ID, "Retry-After", "X-RateLimit-Limit",
                "X-RateLimit-Remaining", "Location"));
        config.setAllowCredentials(false);
        config.setMaxAge(Duration.ofHours(1));
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        PATHS.forEach(path -> source.registerCorsConfiguration(path, config));
        CorsConfiguration library = new CorsConfiguration();
        library.setAllowedOrigins(origins);
        library.setAllowedMethods(List.of("GET", "HEAD"));
        library.setAllowCredentials(false);
        library.setMaxAge(Duration.ofHours(1));
        source.registerCorsConfiguration(LIBRARY, library);
        return source;
    }
}
