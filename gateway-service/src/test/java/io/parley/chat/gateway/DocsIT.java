package io.parley.chat.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** The API documentation is served by the gateway, without a token, under a policy that lets the page work and no more. */
class DocsIT extends GatewayIntegrationSupport {

    @Test
    void docsPageIsPublicAndLoadsOnlyItsOwnScripts() {
        String page = client.get().uri("/docs").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectHeader().valueEquals("Content-Security-Policy", "default-src 'self'; connect-src 'self'; "
                        + "img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; "
                        + "frame-ancestors 'none'")
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(page).contains("<script src=\"/docs/ui/swagger-ui-bundle.js\"></script>")
                .doesNotContain("<script>").doesNotContain("http://").doesNotContain("https://");
        client.get().uri("/docs/ui/swagger-ui-bundle.js").exchange().expectStatus().isOk();
        client.get().uri("/docs/ui/swagger-ui.css").exchange().expectStatus().isOk();
        client.get().uri("/docs/docs.js").exchange().expectStatus().isOk();
    }

    @Test
    void openApiAndAsyncApiDocumentsArePublic() {
        client.get().uri("/docs/openapi.yaml").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).startsWith("openapi: 3.1"));
        client.get().uri("/docs/asyncapi.yaml").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).startsWith("asyncapi: 3.0"));
        assertThat(AUTH.seen()).isEmpty();
    }
}
