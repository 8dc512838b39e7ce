package io.parley.chat.auth.token.api;

import java.time.Instant;
import java.util.List;

import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.parley.chat.auth.token.persistence.RevocationRepository;
import io.parley.chat.kit.security.Revocation;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import reactor.core.publisher.Mono;

/**
 * The logins that ended and the signing keys revoked at once, whose access tokens may still
 * be alive, for the other services to refuse (service-kit's {@code RevokedSessions} reads it
 * every few seconds).
 * Internal: the gateway never routes {@code /internal/**}, and it asks for no token, as
 * a service reads it before it can verify any (the network policy admits only the
 * cluster's services to auth-service). It names users, logins and kids, never a token or a key.
 */
@RestController
@Validated
class RevocationController {

    static final int PAGE = 1000;

    private final RevocationRepository revocations;

    RevocationController(RevocationRepository revocations) {
        this.revocations = revocations;
    }

    /**
     * Revocations made at or after {@code since} (epoch milliseconds; 0 for all that still
     * matter), oldest first, at most {@value #PAGE}; a full page means ask again from the
     * last one's {@code at}.
     */
    @GetMapping("/internal/v1/revocations")
    Mono<RevocationPage> since(@RequestParam(defaultValue = "0") @Min(0) @Max(Long.MAX_VALUE) long since) {
        Instant now = Instant.now();
        return revocations.since(Instant.ofEpochMilli(since), now, PAGE)
                .map(r -> new Revocation(r.id(), r.tenantId(), r.userId(), r.sessionId(), r.kid(), r.at()))
                .collectList()
                .map(items -> new RevocationPage(items, now.toEpochMilli()));
    }

    record RevocationPage(List<Revocation> items, long now) {
    }
}
