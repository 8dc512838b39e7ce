package io.parley.chat.auth.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The platform admin's password never reaches a log line through the properties' toString. */
class PlatformAdminSeedTest {

    @Test
    void toStringNamesTheAccountButNotThePassword() {
        AuthProperties.PlatformAdminSeed seed = new AuthProperties.PlatformAdminSeed("default", "platform-admin",
                "s3cret-password-42");

        assertThat(seed.toString()).contains("platform-admin").contains("(set)").doesNotContain("s3cret-password-42");
        assertThat(new AuthProperties.PlatformAdminSeed("default", "platform-admin", "").toString()).contains("(none)");
    }
}
