package io.parley.chat.auth.account.api;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;

/** Bounds only: a login that breaks the sign-up rules simply fails to match. */
record LoginRequest(
        @NotBlank @Size(max = 64) String tenant,
        @NotBlank @Size(max = 64) String username,
        @NotEmpty @Size(max = 128) String password) {
}
