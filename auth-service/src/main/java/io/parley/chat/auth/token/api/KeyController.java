package io.parley.chat.auth.token.api;

import java.util.Map;

import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import io.parley.chat.auth.NotAllowed;
import io.parley.chat.auth.Roles;
import io.parley.chat.auth.token.RevokedKey;
import io.parley.chat.auth.token.SigningKeyService;
import io.parley.chat.kit.security.ChatPrincipal;
import jakarta.validation.constraints.Pattern;
import reactor.core.publisher.Mono;

@RestController
@Validated
class KeyController {

    /** A kid as auth-service makes them (UUIDs), with room for other shapes; nothing that could be a path or a query. */
    static final String KID = "[A-Za-z0-9._-]{1,128}";

    private final SigningKeyService keys;

    KeyController(SigningKeyService keys) {
        this.keys = keys;
    }

    /** On-demand rotation (an audit, a planned change); tokens already issued stay valid until they expire. */
    @PostMapping("/api/v1/keys/rotate")
    Mono<Map<String, String>> rotate(ChatPrincipal caller) {
        return requirePlatformAdmin(caller).then(Mono.defer(keys::rotate)).map(kid -> Map.of("kid", kid));
    }

    /**
     * Emergency revocation of a key that may have leaked: withdrawn from the JWKS at once and
     * its tokens refused by every service within the revocation-poll interval; when it was
     * signing, a new key signs from now on. Keys are the platform's, not a tenant's: platform
     * admins only, as for rotation.
     */
    @PostMapping("/api/v1/keys/{kid}/revoke")
    Mono<RevokedKeyResponse> revoke(ChatPrincipal caller, @PathVariable @Pattern(regexp = KID) String kid) {
        return requirePlatformAdmin(caller).then(Mono.defer(() -> keys.revoke(kid))).map(RevokedKeyResponse::of);
    }

    private static Mono<Void> requirePlatformAdmin(ChatPrincipal caller) {
        return caller.hasRole(Roles.PLATFORM_ADMIN) ? Mono.empty() : Mono.error(new NotAllowed(Roles.PLATFORM_ADMIN));
    }

    /** @param revoked the kid revoked; @param kid the kid that signs new tokens now */
    record RevokedKeyResponse(String revoked, String kid) {

        static RevokedKeyResponse of(RevokedKey key) {
            return new RevokedKeyResponse(key.revoked(), key.signing());
        }
    }
}
