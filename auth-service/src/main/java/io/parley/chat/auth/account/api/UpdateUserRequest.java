package io.parley.chat.auth.account.api;

import jakarta.validation.constraints.NotNull;

/** Only the disabled flag can change for now; a missing flag is a 400, not a silent enable. */
record UpdateUserRequest(@NotNull Boolean disabled) {
}
