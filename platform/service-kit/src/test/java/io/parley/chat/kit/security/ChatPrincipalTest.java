package io.parley.chat.kit.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class ChatPrincipalTest {

    @Test
    void printsWhoTheCallerIsButNeverTheirToken() {
        ChatPrincipal principal = new ChatPrincipal("u-1", "t-1", "Alice", List.of("member"), "eyJhbGciOiJFUzI1NiJ9.secret.sig");

        assertThat(principal.toString()).contains("u-1", "t-1").doesNotContain("secret", "eyJ");
    }
}
