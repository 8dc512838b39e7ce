package io.parley.chat.auth.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * The default tenant's open sign-up as the shipped application.yaml binds it: open unless
 * DEFAULT_TENANT_OPEN_SIGNUP says otherwise (k8s sets false); a value that is no boolean
 * stops the binding naming the setting.
 */
class DefaultTenantSettingTest {

    private static AuthProperties bind(Map<String, Object> environment) throws IOException {
        MutablePropertySources sources = new MutablePropertySources();
        sources.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                environment));
        for (PropertySource<?> yaml : new YamlPropertySourceLoader().load("application.yaml",
                new ClassPathResource("application.yaml"))) {
            sources.addLast(yaml);
        }
        return new Binder(ConfigurationPropertySources.from(sources), new PropertySourcesPlaceholdersResolver(sources))
                .bind("chat.auth", AuthProperties.class).get();
    }

    private static AuthProperties.TenantSeed defaultTenant(AuthProperties properties) {
        List<AuthProperties.TenantSeed> tenants = properties.tenants();
        assertThat(tenants).extracting(AuthProperties.TenantSeed::slug).containsExactly("default");
        return tenants.get(0);
    }

    @Test
    void openForTheLocalRunByDefault() throws IOException {
        assertThat(defaultTenant(bind(Map.of())).openSignup()).isTrue();
    }

    @Test
    void closedWhenTheEnvironmentSaysSo() throws IOException {
        AuthProperties.TenantSeed seed = defaultTenant(bind(Map.of("DEFAULT_TENANT_OPEN_SIGNUP", "false")));
        assertThat(seed.openSignup()).isFalse();
        assertThat(seed.name()).isEqualTo("Default");
    }

    @Test
    void aValueThatIsNoBooleanNamesTheSetting() {
        assertThatThrownBy(() -> bind(Map.of("DEFAULT_TENANT_OPEN_SIGNUP", "maybe")))
                .isInstanceOf(BindException.class)
                .hasMessageContaining("chat.auth.tenants[0].open-signup");
    }
}
