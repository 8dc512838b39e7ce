package io.parley.chat.auth.token.api;

import java.time.Duration;
import java.util.Map;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.parley.chat.auth.token.SigningKeyService;
import reactor.core.publisher.Mono;

@RestController
class JwksController {

    // Verifiers cache the set this long; a rotation must publish the next key at least this
    // long before signing with it.
    private static final CacheControl CACHE = CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic();

    private final SigningKeyService keys;

    JwksController(SigningKeyService keys) {
        this.keys = keys;
    }

    @GetMapping("/.well-known/jwks.json")
    Mono<ResponseEntity<Map<String, Object>>> jwks() {
        return keys.publicKeys().map(set -> ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .cacheControl(CACHE)
                .body(set.toJSONObject(true)));
    }
}
