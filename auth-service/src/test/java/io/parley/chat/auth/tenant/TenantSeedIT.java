package io.parley.chat.auth.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

import io.parley.chat.auth.AuthServiceTestBase;
import io.parley.chat.auth.config.AuthProperties.TenantSeed;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

class TenantSeedIT extends AuthServiceTestBase {

    @Autowired
    TenantService tenants;

    @Test
    void configuredTenantsExistAfterStartup() {
        Document open = tenantDocument(OPEN_TENANT);
        assertThat(open.getString("name")).isEqualTo("Default");
        assertThat(open.getBoolean("openSignup")).isTrue();
        assertThat(open.getString("_id")).isNotBlank().isNotEqualTo(OPEN_TENANT);
        assertThat(open.getDate("createdAt")).isNotNull();
        assertThat(tenantDocument(CLOSED_TENANT).getBoolean("openSignup")).isFalse();
    }

    @Test
    void seedingAgainKeepsTheTenantItsIdAndSettings() {
        Document before = tenantDocument(OPEN_TENANT);
        tenants.seed(List.of(new TenantSeed(OPEN_TENANT, "Renamed", false))).block(Duration.ofSeconds(10));
        assertThat(tenantDocument(OPEN_TENANT)).isEqualTo(before);
        assertThat(countBySlug(OPEN_TENANT)).isEqualTo(1);
    }

    @Test
    void replicasSeedingANewTenantAtOnceCreateItOnce() {
        String slug = "t-" + UUID.randomUUID().toString().substring(0, 8);
        Flux.range(0, 6)
                .flatMap(i -> tenants.seed(List.of(new TenantSeed(slug, "Concurrent", true)))
                        .subscribeOn(Schedulers.parallel()))
                .then().block(Duration.ofSeconds(30));
        assertThat(countBySlug(slug)).isEqualTo(1);
    }

    private long countBySlug(String slug) {
        return mongo.count(Query.query(Criteria.where("slug").is(slug)), "tenants").block(Duration.ofSeconds(10));
    }
}
