package io.parley.chat.auth.account.api;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Used by refresh and logout. Issued tokens are 43 characters; the bound only stops abuse. */
record RefreshRequest(@NotBlank @Size(max = 256) String refreshToken) {
}
