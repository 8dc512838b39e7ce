package io.parley.chat.auth.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;

import io.parley.chat.auth.AuthServiceTestBase;

class KeyRotationIT extends AuthServiceTestBase {

    @Test
    void newTokensUseTheNewKeyWhileTokensOfThePreviousKeyStillVerify() throws Exception {
        RegisteredUser user = register();
        String before = (String) login(user).get("accessToken");
        String oldKid = SignedJWT.parse(before).getHeader().getKeyID();

        Map<String, Object> rotated = postJson("/api/v1/keys/rotate", platformAdminToken(), Map.of())
                .expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        String newKid = (String) rotated.get("kid");
        assertThat(newKid).isNotBlank().isNotEqualTo(oldKid);

        String after = (String) login(user).get("accessToken");
        assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isEqualTo(newKid);

        me(before).expectStatus().isOk();
        me(after).expectStatus().isOk();
        // A refresh with the old session continues under the new key.
        JWKSet jwks = JWKSet.parse(client.get().uri("/.well-known/jwks.json").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody());
        assertThat(jwks.getKeyByKeyId(oldKid)).as("previous key still published").isNotNull();
        assertThat(jwks.getKeyByKeyId(newKid)).as("new key published").isNotNull();
    }

    @Test
    void onlyAPlatformAdminRotates() {
        String memberToken = (String) login(register()).get("accessToken");
        expectProblem(postJson("/api/v1/keys/rotate", memberToken, Map.of()), HttpStatus.FORBIDDEN, "forbidden");
    }
}
