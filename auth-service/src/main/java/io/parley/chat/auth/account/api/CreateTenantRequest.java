package io.parley.chat.auth.account.api;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

record CreateTenantRequest(
        @NotNull @Size(min = 2, max = 64)
        @Pattern(regexp = "[a-z0-9][a-z0-9-]*", message = "may contain only lower-case letters, digits and '-'")
        String slug,
        @NotBlank @Size(max = 128) @Pattern(regexp = "\\P{Cc}*", message = "must not contain control characters")
        String name,
        Boolean openSignup,
        @NotNull @Valid FirstAdmin admin) {

    /** Absent means closed: an admin adds the users. */
    boolean isOpenSignup() {
        return Boolean.TRUE.equals(openSignup);
    }

    record FirstAdmin(
            @NotNull @Size(min = 3, max = 32)
            @Pattern(regexp = "[A-Za-z0-9._-]*", message = "may contain only letters, digits, '.', '_' and '-'")
            String username,
            @NotNull @Size(min = 8, max = 128) String password,
            @NotBlank @Size(max = 64) @Pattern(regexp = "\\P{Cc}*", message = "must not contain control characters")
            String displayName) {
    }
}
