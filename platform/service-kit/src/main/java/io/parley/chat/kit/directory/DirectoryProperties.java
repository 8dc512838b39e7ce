package io.parley.chat.kit.directory;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotNull;

/**
 * @param authServiceUrl whose directory says which user ids exist; setting it turns the {@link UserDirectory} on
 * @param timeout        how long one lookup may take before the directory counts as unavailable
 */
@Validated
@ConfigurationProperties("chat.directory")
public record DirectoryProperties(
        @NotNull URI authServiceUrl,
        @NotNull @DefaultValue("2s") Duration timeout) {
}
