package io.parley.chat.presence.directory;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.parley.chat.kit.security.ChatPrincipal;
import io.parley.chat.presence.FailureLog;
import io.parley.chat.presence.config.PresenceProperties;
import reactor.core.publisher.Mono;

/**
 * Which of the ids a caller asks about name users of the caller's tenant, from
 * auth-service's directory (the caller's token relayed, so the tenant is the token's).
 * Users that exist are remembered for a while; users do not stop existing (a disabled one
 * is still a user), so the cache needs no invalidation. If auth-service cannot answer,
 * nothing is refused: presence is soft state and must not depend on the directory.
 */
@Component
public class UserDirectory {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final WebClient http;
    private final FailureLog failures;
    private final Cache<String, Boolean> known = Caffeine.newBuilder()
            .maximumSize(200_000)
            .expireAfterWrite(Duration.ofMinutes(30))
            .build();

    UserDirectory(WebClient.Builder builder, PresenceProperties properties) {
        this.http = builder.baseUrl(properties.authServiceUrl().toString()).build();
        this.failures = new FailureLog(LoggerFactory.getLogger(UserDirectory.class), properties.failureLogInterval());
    }

    /** The ids among {@code userIds} that name no user of the caller's tenant; empty when the directory cannot say. */
    public Mono<List<String>> unknown(ChatPrincipal caller, List<String> userIds) {
        List<String> toAsk = userIds.stream().filter(id -> known.getIfPresent(key(caller, id)) == null).toList();
        if (toAsk.isEmpty()) {
            return Mono.just(List.of());
        }
        return http.get().uri(uri -> uri.path("/api/v1/users/lookup").queryParam("ids", String.join(",", toAsk)).build())
                .header("Authorization", caller.bearer())
                .retrieve()
                .bodyToMono(Lookup.class)
                .timeout(TIMEOUT)
                .map(found -> {
                    Set<String> ids = new HashSet<>();
                    found.items().forEach(user -> {
                        ids.add(user.id());
                        known.put(key(caller, user.id()), Boolean.TRUE);
                    });
                    return toAsk.stream().filter(id -> !ids.contains(id)).toList();
                })
                .onErrorResume(e -> {
                    failures.warn("Checking user ids with auth-service", e);
                    return Mono.just(List.of());
                });
    }

    private static String key(ChatPrincipal caller, String userId) {
        return caller.tenantId() + "/" + userId;
    }

    record Lookup(List<User> items) {
    }

    record User(String id) {
    }
}
