package io.parley.chat.auth.account.api;

import io.parley.chat.auth.account.Registration;
import io.parley.chat.kit.security.ChatPrincipal;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** The same rules as sign-up; the tenant is the admin's own. */
record CreateUserRequest(
        @NotNull @Size(min = 3, max = 32)
        @Pattern(regexp = "[A-Za-z0-9._-]*", message = "may contain only letters, digits, '.', '_' and '-'")
        String username,
        @NotNull @Size(min = 8, max = 128) String password,
        @NotBlank @Size(max = 64)
        @Pattern(regexp = "\\P{Cc}*", message = "must not contain control characters")
        String displayName,
        Boolean admin) {

    /** Absent means a plain member (strict JSON refuses a missing primitive, hence the box). */
    boolean isAdmin() {
        return Boolean.TRUE.equals(admin);
    }

    Registration toRegistration(ChatPrincipal caller) {
        return new Registration(caller.tenantId(), username, password, displayName);
    }
}
