package io.parley.chat.gateway.docs;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import reactor.core.publisher.Mono;

/**
 * The API's documentation, public and served by the gateway itself: {@code /docs} (a
 * Swagger UI page over the OpenAPI document, its assets from the webjar in this jar, no
 * CDN), {@code /docs/openapi.yaml} and {@code /docs/asyncapi.yaml}, both the one copy that
 * ships in the contracts module and that each service's {@code ApiDescriptionTest} checks
 * against its controllers. Router functions are matched before gateway routes, and no
 * route covers {@code /docs}.
 */
@Configuration(proxyBeanMethods = false)
class DocsRoutes {

    private static final MediaType YAML = MediaType.parseMediaType("application/yaml");
    private static final CacheControl SHORT = CacheControl.maxAge(java.time.Duration.ofMinutes(5));

    @Bean
    RouterFunction<ServerResponse> docs() {
        Resource page = new ClassPathResource("docs/index.html");
        return RouterFunctions.route()
                .GET("/docs", request -> file(page, MediaType.TEXT_HTML))
                .GET("/docs/", request -> file(page, MediaType.TEXT_HTML))
                .GET("/docs/openapi.yaml", request -> file(new ClassPathResource("api/openapi.yaml"), YAML))
                .GET("/docs/asyncapi.yaml", request -> file(new ClassPathResource("api/asyncapi.yaml"), YAML))
                .GET("/docs/docs.js", request -> file(new ClassPathResource("docs/docs.js"),
                        MediaType.parseMediaType("text/javascript")))
                .GET("/docs/docs.css", request -> file(new ClassPathResource("docs/docs.css"),
                        MediaType.parseMediaType("text/css")))
                .add(RouterFunctions.resources("/docs/ui/**", swaggerUi()))
                .build();
    }

    private static Mono<ServerResponse> file(Resource resource, MediaType type) {
        return ServerResponse.ok().contentType(type).cacheControl(SHORT).bodyValue(resource);
    }

    /** The webjar's versioned folder, found rather than spelled out, so a version bump is a pom change only. */
    private static Resource swaggerUi() {
        try {
            Resource[] bundles = new PathMatchingResourcePatternResolver()
                    .getResources("classpath*:META-INF/resources/webjars/swagger-ui/*/swagger-ui-bundle.js");
            if (bundles.length == 0) {
                throw new IllegalStateException("the swagger-ui webjar is not on the classpath");
            }
            return bundles[0].createRelative("./");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
