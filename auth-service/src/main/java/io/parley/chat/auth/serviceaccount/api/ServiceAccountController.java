package io.parley.chat.auth.serviceaccount.api;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import io.parley.chat.auth.serviceaccount.ServiceAccountService;
import io.parley.chat.auth.serviceaccount.ServiceCredentials;
import io.parley.chat.kit.problem.ChatProblem;
import io.parley.chat.kit.security.ChatPrincipal;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import reactor.core.publisher.Mono;

@RestController
class ServiceAccountController {

    private final ServiceAccountService serviceAccounts;

    ServiceAccountController(ServiceAccountService serviceAccounts) {
        this.serviceAccounts = serviceAccounts;
    }

    /** The only response that ever contains the secret; it is not cached anywhere. */
    @PostMapping("/api/v1/service-accounts")
    Mono<ResponseEntity<ServiceCredentials>> create(ChatPrincipal caller, @Valid @RequestBody CreateRequest request) {
        return serviceAccounts.create(caller, request.name())
                .map(created -> ResponseEntity.status(HttpStatus.CREATED).cacheControl(CacheControl.noStore())
                        .body(created));
    }

    /**
     * The OAuth 2.0 token endpoint for the client-credentials grant (RFC 6749, section 4.4):
     * a form body, and the standard snake_case response.
     */
    @PostMapping(path = "/api/v1/auth/token", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    Mono<ResponseEntity<Map<String, Object>>> token(ServerWebExchange exchange) {
        return exchange.getFormData().flatMap(form -> {
            String grant = require(form, "grant_type", 64);
            if (!"client_credentials".equals(grant)) {
                return Mono.error(invalid("grant_type", "only client_credentials is supported"));
            }
            return serviceAccounts.token(require(form, "client_id", 64), require(form, "client_secret", 128));
        }).map(token -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("access_token", token.value());
            body.put("token_type", "Bearer");
            body.put("expires_in", token.expiresIn().toSeconds());
            return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(body);
        });
    }

    private static String require(MultiValueMap<String, String> form, String field, int maxLength) {
        String value = form.getFirst(field);
        if (value == null || value.isBlank()) {
            throw invalid(field, "must not be blank");
        }
        if (value.length() > maxLength) {
            throw invalid(field, "size must be at most " + maxLength);
        }
        return value;
    }

    private static ChatProblem invalid(String field, String reason) {
        return new ChatProblem(HttpStatus.BAD_REQUEST, "validation", "Invalid fields: " + field + ".",
                Map.of("errors", Map.of(field, reason)));
    }

    record CreateRequest(@NotBlank @Size(max = 64) @Pattern(regexp = "\\P{Cc}*",
            message = "must not contain control characters") String name) {
    }
}
