package io.parley.chat.auth.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import io.parley.chat.auth.AuthServiceTestBase;

/** The bad input an enterprise security review throws at a login form: a 400 naming the field, never a 5xx. */
class MalformedInputIT extends AuthServiceTestBase {

    @Test
    void emptyPasswordIsNamedNotTriedAgainstAHash() {
        assertThat(errors(expectProblem(postJson("/api/v1/auth/login",
                Map.of("tenant", OPEN_TENANT, "username", "bob", "password", "")), HttpStatus.BAD_REQUEST, "validation")))
                .containsOnlyKeys("password");
        assertThat(errors(expectProblem(postJson("/api/v1/auth/register", Map.of("tenant", OPEN_TENANT,
                "username", uniqueUsername(), "password", "", "displayName", "X")), HttpStatus.BAD_REQUEST, "validation")))
                .containsOnlyKeys("password");
    }

    @Test
    void missingOrBlankTenantIsNamed() {
        assertThat(errors(expectProblem(postJson("/api/v1/auth/login", Map.of("username", "bob", "password", "pw")),
                HttpStatus.BAD_REQUEST, "validation"))).containsOnlyKeys("tenant");
        assertThat(errors(expectProblem(postJson("/api/v1/auth/login",
                Map.of("tenant", " ", "username", "bob", "password", "pw")), HttpStatus.BAD_REQUEST, "validation")))
                .containsOnlyKeys("tenant");
        assertThat(errors(expectProblem(postJson("/api/v1/auth/register", Map.of("username", uniqueUsername(),
                "password", "long enough pw", "displayName", "X")), HttpStatus.BAD_REQUEST, "validation")))
                .containsOnlyKeys("tenant");
    }

    @Test
    void oversizedLoginFieldsAreNamed() {
        assertThat(errors(expectProblem(postJson("/api/v1/auth/login", Map.of("tenant", "t".repeat(65),
                "username", "u".repeat(65), "password", "p".repeat(129))), HttpStatus.BAD_REQUEST, "validation")))
                .containsOnlyKeys("tenant", "username", "password");
        assertThat(errors(expectProblem(postJson("/api/v1/auth/refresh", Map.of("refreshToken", "r".repeat(257))),
                HttpStatus.BAD_REQUEST, "validation"))).containsOnlyKeys("refreshToken");
    }

    @Test
    void invalidUtf8IsABadRequestNotAServerError() {
        for (String path : new String[] { "/api/v1/auth/login", "/api/v1/auth/register" }) {
            byte[] body = utf8Broken("{\"tenant\":\"default\",\"username\":\"", new byte[] { (byte) 0xC3, (byte) 0x28 },
                    "\",\"password\":\"long enough pw\",\"displayName\":\"X\"}");
            var problem = expectProblem(client.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                    .exchange(), HttpStatus.BAD_REQUEST, problemType(path, body));
            assertThat(problem.get("status")).isEqualTo(400);
        }
        // A lone continuation byte, an overlong '/', and 0xFF: the JSON decoder lets some of these
        // through as characters that match no user, so the answer is a 400 or a failed login,
        // but always a client error with a problem body, never a 5xx.
        for (byte[] bad : new byte[][] { { (byte) 0x80 }, { (byte) 0xC0, (byte) 0xAF }, { (byte) 0xFF } }) {
            byte[] body = utf8Broken("{\"tenant\":\"default\",\"username\":\"bob", bad, "\",\"password\":\"x\"}");
            client.post().uri("/api/v1/auth/login").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                    .expectStatus().is4xxClientError()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        }
    }

    /** Whatever Jackson can tell: the field when it knows the path, else a generic invalid request. */
    private String problemType(String path, byte[] body) {
        String type = (String) client.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectBody(JSON).returnResult().getResponseBody().get("type");
        return type.substring(type.lastIndexOf('/') + 1);
    }

    private static byte[] utf8Broken(String before, byte[] bad, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(bad);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> errors(Map<String, Object> problem) {
        return (Map<String, Object>) problem.get("errors");
    }
}
