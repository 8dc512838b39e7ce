package io.parley.chat.auth.account.api;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.parley.chat.auth.account.AccountService;
import io.parley.chat.kit.security.ChatPrincipal;
import jakarta.validation.Valid;
import reactor.core.publisher.Mono;

/** A tenant admin's user management; always within the admin's own tenant (from the token). */
@RestController
class UserAdminController {

    private final AccountService accounts;

    UserAdminController(AccountService accounts) {
        this.accounts = accounts;
    }

    @PostMapping("/api/v1/users")
    @ResponseStatus(HttpStatus.CREATED)
    Mono<AdminUserResponse> create(ChatPrincipal caller, @Valid @RequestBody CreateUserRequest request) {
        return accounts.createUser(caller, request.toRegistration(caller), request.isAdmin())
                .map(AdminUserResponse::of);
    }

    @PatchMapping("/api/v1/users/{id}")
    Mono<AdminUserResponse> update(ChatPrincipal caller, @PathVariable String id,
                                   @Valid @RequestBody UpdateUserRequest request) {
        return accounts.setDisabled(caller, id, request.disabled()).map(AdminUserResponse::of);
    }
}
