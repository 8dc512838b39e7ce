package io.parley.chat.auth.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.parley.chat.auth.AuthServiceTestBase;

/** Bad input is a 4xx problem that says what to fix, never a 5xx. */
class RequestValidationIT extends AuthServiceTestBase {

    @Test
    void malformedJsonIsABadRequest() {
        expectProblem(raw("/api/v1/auth/register", "{\"tenant\": \"default\", \"username\": "),
                HttpStatus.BAD_REQUEST, "invalid-request");
        expectProblem(raw("/api/v1/auth/login", "[1, 2, 3]"), HttpStatus.BAD_REQUEST, "invalid-request");
        expectProblem(raw("/api/v1/auth/refresh", "not json at all"), HttpStatus.BAD_REQUEST, "invalid-request");
    }

    @Test
    void missingFieldsAreNamed() {
        Map<String, Object> problem = expectProblem(raw("/api/v1/auth/register", "{}"),
                HttpStatus.BAD_REQUEST, "validation");
        assertThat(errors(problem)).containsOnlyKeys("tenant", "username", "password", "displayName");

        assertThat(errors(expectProblem(raw("/api/v1/auth/login", "{\"tenant\":\"default\",\"username\":\"bob\"}"),
                HttpStatus.BAD_REQUEST, "validation"))).containsOnlyKeys("password");
        assertThat(errors(expectProblem(raw("/api/v1/auth/refresh", "{}"), HttpStatus.BAD_REQUEST, "validation")))
                .containsOnlyKeys("refreshToken");
        assertThat(errors(expectProblem(raw("/api/v1/auth/logout", "{\"refreshToken\":\"\"}"),
                HttpStatus.BAD_REQUEST, "validation"))).containsOnlyKeys("refreshToken");
    }

    @Test
    void emptyBodyIsABadRequest() {
        var response = client.post().uri("/api/v1/auth/login").contentType(MediaType.APPLICATION_JSON).exchange();
        expectProblem(response, HttpStatus.BAD_REQUEST, "invalid-request");
    }

    @Test
    void tooLongUsernameIsNamed() {
        assertThat(errors(registerExpecting400(Map.of("username", "a".repeat(33))))).containsOnlyKeys("username");
    }

    @Test
    void tooShortOrOddUsernameIsNamed() {
        assertThat(errors(registerExpecting400(Map.of("username", "ab")))).containsOnlyKeys("username");
        assertThat(errors(registerExpecting400(Map.of("username", "bob smith")))).containsOnlyKeys("username");
        assertThat(errors(registerExpecting400(Map.of("username", "b\u00f6b")))).containsOnlyKeys("username");
    }

    @Test
    void shortOrOverlongPasswordIsNamed() {
        assertThat(errors(registerExpecting400(Map.of("password", "7 chars")))).containsOnlyKeys("password");
        assertThat(errors(registerExpecting400(Map.of("password", "p".repeat(129))))).containsOnlyKeys("password");
    }

    @Test
    void badDisplayNameIsNamed() {
        assertThat(errors(registerExpecting400(Map.of("displayName", "")))).containsOnlyKeys("displayName");
        assertThat(errors(registerExpecting400(Map.of("displayName", "   ")))).containsOnlyKeys("displayName");
        assertThat(errors(registerExpecting400(Map.of("displayName", "n".repeat(65))))).containsOnlyKeys("displayName");
        assertThat(errors(registerExpecting400(Map.of("displayName", "bell\u0007")))).containsOnlyKeys("displayName");
        assertThat(errors(registerExpecting400(Map.of("displayName", "two\nlines")))).containsOnlyKeys("displayName");
    }

    @Test
    void wrongJsonTypesAreABadRequest() {
        var response = raw("/api/v1/auth/register",
                "{\"tenant\":\"default\",\"username\":{\"a\":1},\"password\":\"long enough\",\"displayName\":\"x\"}");
        response.expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void bodyOverSixtyFourKilobytesIsTooLarge() {
        String huge = "{\"tenant\":\"default\",\"username\":\"bob\",\"password\":\"" + "p".repeat(70 * 1024) + "\"}";
        expectProblem(raw("/api/v1/auth/login", huge), HttpStatus.CONTENT_TOO_LARGE, "too-large");
        expectProblem(raw("/api/v1/auth/register", huge), HttpStatus.CONTENT_TOO_LARGE, "too-large");
    }

    @Test
    void nonJsonContentTypeIsUnsupported() {
        var response = client.post().uri("/api/v1/auth/login").contentType(MediaType.TEXT_PLAIN)
                .bodyValue("tenant=default").exchange();
        expectProblem(response, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type");
    }

    private Map<String, Object> registerExpecting400(Map<String, String> override) {
        Map<String, Object> body = new HashMap<>(Map.of("tenant", OPEN_TENANT, "username", uniqueUsername(),
                "password", "long enough", "displayName", "Valid Name"));
        body.putAll(override);
        return expectProblem(postJson("/api/v1/auth/register", body), HttpStatus.BAD_REQUEST, "validation");
    }

    private WebTestClient.ResponseSpec raw(String path, String json) {
        return client.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> errors(Map<String, Object> problem) {
        assertThat(problem.get("detail")).asString().startsWith("Invalid fields:");
        return (Map<String, Object>) problem.get("errors");
    }
}
