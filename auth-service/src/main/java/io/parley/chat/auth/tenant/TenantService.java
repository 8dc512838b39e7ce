package io.parley.chat.auth.tenant;

import java.util.List;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import io.parley.chat.auth.config.AuthProperties.TenantSeed;
import io.parley.chat.auth.tenant.persistence.TenantDocument;
import io.parley.chat.auth.tenant.persistence.TenantRepository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@Service
public class TenantService {

    private static final Logger log = LoggerFactory.getLogger(TenantService.class);

    private final TenantRepository tenants;

    TenantService(TenantRepository tenants) {
        this.tenants = tenants;
    }

    /** Slugs are stored lower-case, so {@code Acme} and {@code acme} name the same tenant. */
    public Mono<Tenant> find(String slug) {
        return tenants.findBySlug(slug.toLowerCase(Locale.ROOT)).map(TenantDocument::toTenant);
    }

    public Mono<Tenant> requireOpenForSignup(String slug) {
        return find(slug)
                .switchIfEmpty(Mono.error(TenantNotFound::new))
                .filter(Tenant::openSignup)
                .switchIfEmpty(Mono.error(SignupClosed::new));
    }

    /** A new tenant, as a platform admin creates it; fails with {@link TenantExists} when the slug is taken. */
    public Mono<Tenant> create(String slug, String name, boolean openSignup) {
        return tenants.insert(slug.toLowerCase(Locale.ROOT), name, openSignup)
                .map(TenantDocument::toTenant)
                .onErrorMap(org.springframework.dao.DuplicateKeyException.class, e -> new TenantExists());
    }

    /**
     * Creates the configured tenants that do not exist yet. Safe to run on every start of
     * every replica at once: an existing tenant keeps its id (tokens carry it) and its
     * settings, so configuration seeds a tenant but does not manage it afterwards.
     */
    public Mono<Void> seed(List<TenantSeed> seeds) {
        return tenants.createIndexes()
                .thenMany(Flux.fromIterable(seeds))
                .concatMap(seed -> tenants.insertIfMissing(seed.slug(), seed.name(), seed.openSignup())
                        .doOnNext(created -> {
                            if (created) {
                                log.info("Created tenant '{}'", seed.slug());
                            }
                        }))
                .then();
    }
}
