package io.parley.chat.auth.serviceaccount;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import com.nimbusds.jwt.SignedJWT;

import io.parley.chat.auth.AuthServiceTestBase;

class ServiceAccountIT extends AuthServiceTestBase {

    @Test
    void clientCredentialsYieldAServiceTokenOfTheAdminsTenant() throws Exception {
        String adminToken = platformAdminToken();
        Map<String, Object> created = postJson("/api/v1/service-accounts", adminToken, Map.of("name", "Build bot"))
                .expectStatus().isCreated()
                .expectHeader().valueEquals("Cache-Control", "no-store")
                .expectBody(JSON).returnResult().getResponseBody();
        String clientId = (String) created.get("clientId");
        String secret = (String) created.get("clientSecret");
        assertThat(secret).hasSizeGreaterThanOrEqualTo(43);

        Map<String, Object> token = tokenRequest("client_credentials", clientId, secret).expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat(token).containsEntry("token_type", "Bearer").containsEntry("expires_in", 900);
        var claims = SignedJWT.parse((String) token.get("access_token")).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo(clientId);
        assertThat(claims.getStringListClaim("roles")).containsExactly("service");
        assertThat(claims.getStringClaim("tid"))
                .isEqualTo(SignedJWT.parse(adminToken).getJWTClaimsSet().getStringClaim("tid"));
        // The secret is stored only as a hash.
        assertThat(mongo.findById(clientId, org.bson.Document.class, "service_accounts").block().toJson())
                .doesNotContain(secret);
    }

    @Test
    void aWrongSecretOrUnknownClientIsRefusedAlike() {
        Map<String, Object> created = postJson("/api/v1/service-accounts", platformAdminToken(), Map.of("name", "Bot"))
                .expectStatus().isCreated().expectBody(JSON).returnResult().getResponseBody();
        expectProblem(tokenRequest("client_credentials", (String) created.get("clientId"), "wrong"),
                HttpStatus.UNAUTHORIZED, "invalid-client");
        expectProblem(tokenRequest("client_credentials", "svc-nobody", "wrong"), HttpStatus.UNAUTHORIZED,
                "invalid-client");
        expectProblem(tokenRequest("password", "svc-nobody", "wrong"), HttpStatus.BAD_REQUEST, "validation");
    }

    @Test
    void onlyATenantAdminCreatesServiceAccounts() {
        String memberToken = (String) login(register()).get("accessToken");
        expectProblem(postJson("/api/v1/service-accounts", memberToken, Map.of("name", "Bot")), HttpStatus.FORBIDDEN,
                "forbidden");
    }

    @Test
    void missingFormFieldsAreNamed() {
        Map<String, Object> problem = expectProblem(client.post().uri("/api/v1/auth/token")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("grant_type", "client_credentials")).exchange(),
                HttpStatus.BAD_REQUEST, "validation");
        assertThat(problem.get("errors")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsOnlyKeys("client_id");
    }

    private WebTestClient.ResponseSpec tokenRequest(String grant, String clientId, String secret) {
        return client.post().uri("/api/v1/auth/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("grant_type", grant).with("client_id", clientId)
                        .with("client_secret", secret))
                .exchange();
    }
}
