package io.parley.chat.auth.token.api;

import java.util.Map;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import io.parley.chat.auth.account.NotAllowed;
import io.parley.chat.auth.account.Roles;
import io.parley.chat.auth.token.SigningKeyService;
import io.parley.chat.kit.security.ChatPrincipal;
import reactor.core.publisher.Mono;

@RestController
class KeyController {

    private final SigningKeyService keys;

    KeyController(SigningKeyService keys) {
        this.keys = keys;
    }

    /** On-demand rotation (a suspected leak, an audit); tokens already issued stay valid until they expire. */
    @PostMapping("/api/v1/keys/rotate")
    Mono<Map<String, String>> rotate(ChatPrincipal caller) {
        if (!caller.hasRole(Roles.PLATFORM_ADMIN)) {
            return Mono.error(new NotAllowed(Roles.PLATFORM_ADMIN));
        }
        return keys.rotate().map(kid -> Map.of("kid", kid));
    }
}
