package io.parley.chat.auth.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.nimbusds.jwt.SignedJWT;

import io.parley.chat.auth.AuthServiceTestBase;

class UserAdministrationIT extends AuthServiceTestBase {

    private static final String GOOD_PASSWORD = "a sound long passphrase";

    @Test
    void platformAdminCreatesATenantWithItsFirstAdmin() throws Exception {
        String slug = "t-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> tenant = createTenant(platformAdminToken(), slug).expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat(tenant).containsEntry("slug", slug).containsEntry("openSignup", false);

        String adminToken = accessToken(slug, "boss", GOOD_PASSWORD);
        var claims = SignedJWT.parse(adminToken).getJWTClaimsSet();
        assertThat(claims.getStringListClaim("roles")).containsExactlyInAnyOrder("member", "admin");
        assertThat(claims.getStringClaim("tid")).isEqualTo(tenant.get("id"));

        expectProblem(createTenant(platformAdminToken(), slug), HttpStatus.CONFLICT, "tenant-exists");
    }

    @Test
    void onlyAPlatformAdminCreatesTenants() {
        String memberToken = (String) login(register()).get("accessToken");
        expectProblem(createTenant(memberToken, "t-" + UUID.randomUUID().toString().substring(0, 8)),
                HttpStatus.FORBIDDEN, "forbidden");
        expectProblem(client.post().uri("/api/v1/tenants").contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange(), HttpStatus.UNAUTHORIZED, "unauthorized");
    }

    @Test
    void aTenantAdminCreatesUsersOnlyInTheirOwnTenant() throws Exception {
        String slug = newTenant();
        String adminToken = accessToken(slug, "boss", GOOD_PASSWORD);
        String username = uniqueUsername();
        Map<String, Object> created = createUser(adminToken, username).expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat(created).containsEntry("username", username).containsEntry("disabled", false);

        String userToken = accessToken(slug, username, GOOD_PASSWORD);
        assertThat(SignedJWT.parse(userToken).getJWTClaimsSet().getStringClaim("tid"))
                .isEqualTo(SignedJWT.parse(adminToken).getJWTClaimsSet().getStringClaim("tid"));
        // The same username in the default tenant is someone else (or no one).
        postJson("/api/v1/auth/login", Map.of("tenant", OPEN_TENANT, "username", username, "password", GOOD_PASSWORD))
                .expectStatus().isUnauthorized();
        // A closed tenant has no self sign-up, but its admin can still add users.
        expectProblem(postJson("/api/v1/auth/register", Map.of("tenant", slug, "username", uniqueUsername(),
                "password", GOOD_PASSWORD, "displayName", "Walk-in")), HttpStatus.FORBIDDEN, "signup-closed");
    }

    @Test
    void membersCannotCreateOrDisableUsers() {
        RegisteredUser victim = register();
        String memberToken = (String) login(register()).get("accessToken");
        expectProblem(createUser(memberToken, uniqueUsername()), HttpStatus.FORBIDDEN, "forbidden");
        expectProblem(patchUser(memberToken, victim.id(), Map.of("disabled", true)), HttpStatus.FORBIDDEN, "forbidden");
        login(victim);
    }

    @Test
    void aDisabledUserCannotLogInOrRefreshUntilEnabledAgain() {
        String adminToken = platformAdminToken();
        RegisteredUser user = register();
        Map<String, Object> session = login(user);

        assertThat(patchUser(adminToken, user.id(), Map.of("disabled", true)).expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody()).containsEntry("disabled", true);

        expectProblem(postJson("/api/v1/auth/login", Map.of("tenant", OPEN_TENANT, "username", user.username(),
                "password", user.password())), HttpStatus.UNAUTHORIZED, "invalid-credentials");
        expectProblem(refresh((String) session.get("refreshToken")), HttpStatus.UNAUTHORIZED, "invalid-refresh-token");
        expectProblem(me((String) session.get("accessToken")), HttpStatus.UNAUTHORIZED, "account-unavailable");

        patchUser(adminToken, user.id(), Map.of("disabled", false)).expectStatus().isOk();
        login(user);
        // Enabling does not bring the old session back.
        expectProblem(refresh((String) session.get("refreshToken")), HttpStatus.UNAUTHORIZED, "invalid-refresh-token");
    }

    @Test
    void anAdminCannotTouchUsersOfAnotherTenant() {
        String otherAdmin = accessToken(newTenant(), "boss", GOOD_PASSWORD);
        RegisteredUser user = register();
        expectProblem(patchUser(otherAdmin, user.id(), Map.of("disabled", true)), HttpStatus.NOT_FOUND, "user-not-found");
        login(user);
    }

    @Test
    void commonPasswordsAreRefusedWithTheFieldNamed() {
        for (String weak : new String[] { "password123", "Qwerty123", "iloveyou", "Sunshine2024" }) {
            Map<String, Object> problem = expectProblem(postJson("/api/v1/auth/register", Map.of("tenant", OPEN_TENANT,
                    "username", uniqueUsername(), "password", weak, "displayName", "Weak")),
                    HttpStatus.BAD_REQUEST, "validation");
            assertThat(problem.get("errors")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsOnlyKeys("password");
        }
        expectProblem(createUser(platformAdminToken(), uniqueUsername(), "password1"), HttpStatus.BAD_REQUEST,
                "validation");
    }

    @Test
    void patchNeedsTheDisabledFlag() {
        Map<String, Object> problem = expectProblem(patchUser(platformAdminToken(), register().id(), Map.of()),
                HttpStatus.BAD_REQUEST, "validation");
        assertThat(problem.get("errors")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsOnlyKeys("disabled");
    }

    private String newTenant() {
        String slug = "t-" + UUID.randomUUID().toString().substring(0, 8);
        createTenant(platformAdminToken(), slug).expectStatus().isCreated();
        return slug;
    }

    private WebTestClient.ResponseSpec createTenant(String token, String slug) {
        return postJson("/api/v1/tenants", token, Map.of("slug", slug, "name", "Tenant " + slug, "openSignup", false,
                "admin", Map.of("username", "boss", "password", GOOD_PASSWORD, "displayName", "The Boss")));
    }

    private WebTestClient.ResponseSpec createUser(String token, String username) {
        return createUser(token, username, GOOD_PASSWORD);
    }

    private WebTestClient.ResponseSpec createUser(String token, String username, String password) {
        return postJson("/api/v1/users", token, Map.of("username", username, "password", password,
                "displayName", "Made by admin"));
    }

    private WebTestClient.ResponseSpec patchUser(String token, String id, Map<String, Object> body) {
        return client.patch().uri("/api/v1/users/{id}", id).headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }
}
