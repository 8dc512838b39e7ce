package io.parley.chat.auth.account.api;

import java.util.regex.Pattern;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.parley.chat.auth.account.AccountService;
import io.parley.chat.auth.account.Session;
import io.parley.chat.auth.config.AuthProperties;
import io.parley.chat.kit.security.ChatPrincipal;
import jakarta.validation.Valid;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/auth")
class AuthController {

    private final AccountService accounts;
    private final Pattern trustedProxies;

    AuthController(AccountService accounts, AuthProperties properties) {
        this.accounts = accounts;
        this.trustedProxies = Pattern.compile(properties.loginLimits().trustedProxies());
    }

    @PostMapping("/register")
    @ResponseStatus(HttpStatus.CREATED)
    Mono<UserResponse> register(@Valid @RequestBody RegisterRequest request) {
        return accounts.register(request.toRegistration()).map(UserResponse::of);
    }

    @PostMapping("/login")
    Mono<ResponseEntity<SessionResponse>> login(@Valid @RequestBody LoginRequest request, ServerHttpRequest http) {
        String clientAddress = ClientAddress.of(http, trustedProxies);
        return accounts.login(request.tenant(), request.username(), request.password(), clientAddress)
                .map(AuthController::tokens);
    }

    @PostMapping("/refresh")
    Mono<ResponseEntity<SessionResponse>> refresh(@Valid @RequestBody RefreshRequest request) {
        return accounts.refresh(request.refreshToken()).map(AuthController::tokens);
    }

    @PostMapping("/logout")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> logout(@Valid @RequestBody RefreshRequest request) {
        return accounts.logout(request.refreshToken());
    }

    @GetMapping("/me")
    Mono<MeResponse> me(ChatPrincipal caller) {
        return accounts.me(caller).map(MeResponse::of);
    }

    /** Token responses must not be cached by browsers or proxies (RFC 6749, section 5.1). */
    private static ResponseEntity<SessionResponse> tokens(Session session) {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(SessionResponse.of(session));
    }
}
