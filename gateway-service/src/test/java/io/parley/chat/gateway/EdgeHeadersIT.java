package io.parley.chat.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

import reactor.core.publisher.Flux;

/**
 * What the gateway adds at the edge around every route: CORS for the configured
 * origins, browser hardening headers, the request size limit, the request id and the
 * trace context, and its own pages open without a token.
 */
class EdgeHeadersIT extends GatewayIntegrationSupport {

    private static final String ALLOWED_ORIGIN = "http://localhost:8080";
    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}");

    @Test
    void preflightFromAllowedOriginIsAnsweredAtTheGateway() {
        client.options().uri("/api/v1/conversations/c1/messages")
                .header(HttpHeaders.ORIGIN, ALLOWED_ORIGIN)
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "authorization, content-type")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, ALLOWED_ORIGIN)
                .expectHeader().value(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, methods -> assertThat(methods).contains("POST"))
                .expectHeader().value(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS,
                        headers -> assertThat(headers.toLowerCase()).contains("authorization").contains("content-type"));
        assertThat(MESSAGE.seen()).isEmpty();
    }

    @Test
    void preflightFromOtherOriginIsRefused() {
        client.options().uri("/api/v1/conversations")
                .header(HttpHeaders.ORIGIN, "https://evil.example")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "GET")
                .exchange()
                .expectStatus().isForbidden()
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
        assertThat(CONVERSATION.seen()).isEmpty();
    }

    @Test
    void crossOriginCallFromAllowedOriginMayReadTheAnswerAndItsHeaders() {
        client.get().uri("/api/v1/conversations").header(HttpHeaders.AUTHORIZATION, bearer("ann"))
                .header(HttpHeaders.ORIGIN, ALLOWED_ORIGIN)
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, ALLOWED_ORIGIN)
                .expectHeader().value(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS,
                        exposed -> assertThat(exposed).contains("X-Request-Id").contains("Retry-After"));
    }

    @Test
    void clientLibraryMayBeLoadedFromAnAllowedOriginOnly() {
        // a module script from another origin is fetched with CORS: without the header the browser refuses it
        client.get().uri("/lib/parley.js").header(HttpHeaders.ORIGIN, ALLOWED_ORIGIN).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, ALLOWED_ORIGIN)
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS)
                .expectBody(String.class).value(body -> assertThat(body).contains("export class ParleyClient"));
        client.get().uri("/lib/parley.d.ts").header(HttpHeaders.ORIGIN, ALLOWED_ORIGIN).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, ALLOWED_ORIGIN);
        client.options().uri("/lib/parley.js")
                .header(HttpHeaders.ORIGIN, ALLOWED_ORIGIN)
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "GET")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, ALLOWED_ORIGIN);
        client.get().uri("/lib/parley.js").header(HttpHeaders.ORIGIN, "https://evil.example").exchange()
                .expectStatus().isForbidden()
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
        client.options().uri("/lib/parley.js")
                .header(HttpHeaders.ORIGIN, ALLOWED_ORIGIN)
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .exchange()
                .expectStatus().isForbidden();
        // the app's own pages are not opened to other origins
        client.get().uri("/app/main.js").header(HttpHeaders.ORIGIN, ALLOWED_ORIGIN).exchange()
                .expectStatus().isOk()
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
    }

    @Test
    void proxiedAnswerCarriesHardeningHeadersButNoHstsOverPlainHttp() {
        client.get().uri("/api/v1/conversations").header(HttpHeaders.AUTHORIZATION, bearer("ann")).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                .expectHeader().valueEquals("X-Frame-Options", "DENY")
                .expectHeader().valueEquals("Referrer-Policy", "no-referrer")
                .expectHeader().valueEquals("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'")
                .expectHeader().doesNotExist("Strict-Transport-Security");
    }

    @Test
    void refusalAtTheEdgeCarriesHardeningHeadersAndRequestId() {
        client.get().uri("/api/v1/conversations").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                .expectHeader().exists("X-Request-Id");
    }

    @Test
    void webClientPagesAreServedWithoutTokenUnderTheStrictPolicy() {
        client.get().uri("/").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectHeader().valueEquals("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; "
                        + "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
        client.get().uri("/index.html").exchange().expectStatus().isOk();
        client.get().uri("/app/main.js").exchange().expectStatus().isOk();
        client.get().uri("/lib/missing.js").exchange().expectStatus().isNotFound();
    }

    @Test
    void bodyOverTheLimitIs413ProblemAndNeverForwarded() {
        client.post().uri("/api/v1/conversations/c1/messages").header(HttpHeaders.AUTHORIZATION, bearer("ann"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"clientMsgId\":\"a\",\"body\":\"" + "x".repeat(70 * 1024) + "\"}")
                .exchange()
                .expectStatus().isEqualTo(413)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://parley.dev/problems/too-large");
        assertThat(MESSAGE.seen()).isEmpty();
    }

    @Test
    void chunkedBodyOverTheLimitIs413Problem() {
        DefaultDataBufferFactory buffers = DefaultDataBufferFactory.sharedInstance;
        Flux<DataBuffer> body = Flux.range(0, 80)
                .map(i -> buffers.wrap("x".repeat(1024).getBytes(StandardCharsets.UTF_8)));
        client.method(HttpMethod.POST).uri("/api/v1/conversations/c1/messages").header(HttpHeaders.AUTHORIZATION, bearer("ann"))
                .contentType(MediaType.APPLICATION_JSON)
                .body(body, DataBuffer.class)
                .exchange()
                .expectStatus().isEqualTo(413)
                .expectBody().jsonPath("$.type").isEqualTo("https://parley.dev/problems/too-large");
    }

    @Test
    void bodyUnderTheLimitIsForwarded() {
        client.post().uri("/api/v1/conversations/c1/messages").header(HttpHeaders.AUTHORIZATION, bearer("ann"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"clientMsgId\":\"a\",\"body\":\"" + "x".repeat(30 * 1024) + "\"}")
                .exchange()
                .expectStatus().isOk();
    }

    @Test
    void requestWithoutIdGetsOneOnTheResponseAndUpstream() {
        String id = client.get().uri("/api/v1/presence").header(HttpHeaders.AUTHORIZATION, bearer("ann")).exchange()
                .expectStatus().isOk()
                .returnResult(String.class).getResponseHeaders().getFirst("X-Request-Id");

        assertThat(id).matches("[0-9a-f-]{36}");
        assertThat(PRESENCE.seen()).singleElement()
                .satisfies(seen -> assertThat(seen.headers().get("X-Request-Id")).isEqualTo(id));
    }

    @Test
    void saneIncomingIdIsKeptAndOtherIdsReplaced() {
        client.get().uri("/api/v1/presence").header(HttpHeaders.AUTHORIZATION, bearer("ann"))
                .header("X-Request-Id", "client-42.a")
                .exchange()
                .expectHeader().valueEquals("X-Request-Id", "client-42.a");
        client.get().uri("/api/v1/presence").header(HttpHeaders.AUTHORIZATION, bearer("ann"))
                .header("X-Request-Id", "<script>" + "x".repeat(100))
                .exchange()
                .expectHeader().value("X-Request-Id", id -> assertThat(id).matches("[0-9a-f-]{36}"));
    }

    @Test
    void traceContextContinuesTheCallersTraceWithTheGatewayAsParent() {
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String incoming = "00-" + trace + "-00f067aa0ba902b7-01";

        client.get().uri("/api/v1/presence").header(HttpHeaders.AUTHORIZATION, bearer("ann"))
                .header("traceparent", incoming)
                .exchange().expectStatus().isOk();

        String relayed = PRESENCE.seen().get(0).headers().get("traceparent");
        var match = TRACEPARENT.matcher(relayed);
        assertThat(match.matches()).isTrue();
        assertThat(match.group(1)).isEqualTo(trace);
        assertThat(relayed).isNotEqualTo(incoming).endsWith("-01");
    }

    @Test
    void requestWithoutTraceContextStartsATrace() {
        client.get().uri("/api/v1/presence").header(HttpHeaders.AUTHORIZATION, bearer("ann"))
                .header("traceparent", "garbage")
                .exchange().expectStatus().isOk();

        assertThat(PRESENCE.seen().get(0).headers().get("traceparent")).matches(TRACEPARENT);
    }

    @Test
    void upstreamSeesTheConnectingAddressNotAForwardedForTheClientMadeUp() {
        client.get().uri("/api/v1/presence").header(HttpHeaders.AUTHORIZATION, bearer("ann"))
                .header("X-Forwarded-For", "6.6.6.6")
                .header("Forwarded", "for=6.6.6.6")
                .exchange().expectStatus().isOk();

        assertThat(PRESENCE.seen()).singleElement().satisfies(seen -> {
            assertThat(seen.headers().get("X-Forwarded-For")).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
            assertThat(seen.headers().get("Forwarded")).isNull();
        });
    }
}
