package io.parley.chat.auth.account.api;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.parley.chat.auth.account.AccountService;
import io.parley.chat.auth.NotAllowed;
import io.parley.chat.auth.account.PasswordPolicy;
import io.parley.chat.auth.account.Registration;
import io.parley.chat.auth.Roles;
import io.parley.chat.auth.tenant.Tenant;
import io.parley.chat.auth.tenant.TenantService;
import io.parley.chat.kit.security.ChatPrincipal;
import jakarta.validation.Valid;
import reactor.core.publisher.Mono;

@RestController
class TenantController {

    private final TenantService tenants;
    private final AccountService accounts;
    private final PasswordPolicy passwordPolicy;

    TenantController(TenantService tenants, AccountService accounts, PasswordPolicy passwordPolicy) {
        this.tenants = tenants;
        this.accounts = accounts;
        this.passwordPolicy = passwordPolicy;
    }

    /**
     * A platform admin creates a tenant together with its first admin, so that no tenant
     * exists without someone able to manage it. The admin's password is checked before the
     * tenant is written: a weak password leaves nothing behind.
     */
    @PostMapping("/api/v1/tenants")
    @ResponseStatus(HttpStatus.CREATED)
    Mono<TenantResponse> create(ChatPrincipal caller, @Valid @RequestBody CreateTenantRequest request) {
        if (!caller.hasRole(Roles.PLATFORM_ADMIN)) {
            return Mono.error(new NotAllowed(Roles.PLATFORM_ADMIN));
        }
        return Mono.fromRunnable(() -> passwordPolicy.check(request.admin().password()))
                .then(tenants.create(request.slug(), request.name(), request.isOpenSignup()))
                .flatMap(tenant -> accounts.createTenantAdmin(tenant.id(), registration(tenant, request.admin()))
                        .map(admin -> TenantResponse.of(tenant, admin.id())));
    }

    private static Registration registration(Tenant tenant, CreateTenantRequest.FirstAdmin admin) {
        return new Registration(tenant.slug(), admin.username(), admin.password(), admin.displayName());
    }
}
