package io.parley.chat.auth.account.api;

import io.parley.chat.auth.account.Registration;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

record RegisterRequest(
        @NotBlank @Size(max = 64) String tenant,
        @NotNull @Size(min = 3, max = 32)
        @Pattern(regexp = "[A-Za-z0-9._-]*", message = "may contain only letters, digits, '.', '_' and '-'")
        String username,
        @NotNull @Size(min = 8, max = 128) String password,
        @NotBlank @Size(max = 64)
        @Pattern(regexp = "\\P{Cc}*", message = "must not contain control characters")
        String displayName) {

    Registration toRegistration() {
        return new Registration(tenant, username, password, displayName);
    }
}
