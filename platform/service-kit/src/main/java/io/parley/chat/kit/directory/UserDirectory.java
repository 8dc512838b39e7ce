package io.parley.chat.kit.directory;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClient;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.parley.chat.kit.directory.DirectoryProblems.DirectoryUnavailable;
import io.parley.chat.kit.security.ChatPrincipal;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Which of the ids a caller names are users of the caller's tenant, from auth-service's
 * directory ({@code GET /api/v1/users/lookup}, the caller's token relayed, so the tenant
 * is the token's). Ids are asked {@value #PER_LOOKUP} at a time, the directory's page.
 * Users that exist are remembered for a while; users do not stop existing (a disabled one
 * is still a user), so the cache needs no invalidation. Absent ids are never remembered:
 * a user registered a moment ago is found at once.
 */
public class UserDirectory {

    static final int PER_LOOKUP = 100;

    private final WebClient http;
    private final DirectoryProperties properties;
    private final Cache<String, Boolean> known = Caffeine.newBuilder()
            .maximumSize(200_000)
            .expireAfterWrite(Duration.ofMinutes(30))
            .build();

    public UserDirectory(WebClient.Builder builder, DirectoryProperties properties) {
        this.http = builder.baseUrl(properties.authServiceUrl().toString()).build();
        this.properties = properties;
    }

    /**
     * The ids among {@code userIds} that name no user of the caller's tenant, in the order
     * given; fails with {@link DirectoryUnavailable} when auth-service cannot say.
     */
    public Mono<List<String>> unknown(ChatPrincipal caller, List<String> userIds) {
        List<String> toAsk = userIds.stream().distinct().filter(id -> known.getIfPresent(key(caller, id)) == null)
                .toList();
        if (toAsk.isEmpty()) {
            return Mono.just(List.of());
        }
        int pages = (toAsk.size() + PER_LOOKUP - 1) / PER_LOOKUP;
        return Flux.range(0, pages)
                .concatMap(page -> lookup(caller, toAsk.subList(page * PER_LOOKUP,
                        Math.min(toAsk.size(), (page + 1) * PER_LOOKUP))))
                .collect(HashSet<String>::new, Set::addAll)
                .map(found -> toAsk.stream().filter(id -> !found.contains(id)).toList());
    }

    private Mono<Set<String>> lookup(ChatPrincipal caller, List<String> ids) {
        return http.get().uri(uri -> uri.path("/api/v1/users/lookup").queryParam("ids", String.join(",", ids)).build())
                .header(HttpHeaders.AUTHORIZATION, caller.bearer())
                .retrieve()
                .bodyToMono(Lookup.class)
                .timeout(properties.timeout())
                .map(found -> {
                    Set<String> present = new HashSet<>();
                    found.items().forEach(user -> {
                        present.add(user.id());
                        known.put(key(caller, user.id()), Boolean.TRUE);
                    });
                    return present;
                })
                .onErrorMap(e -> new DirectoryUnavailable());
    }

    private static String key(ChatPrincipal caller, String userId) {
        return caller.tenantId() + "/" + userId;
    }

    record Lookup(List<User> items) {
    }

    record User(String id) {
    }
}
