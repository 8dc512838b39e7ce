package io.parley.chat.auth.tenant.persistence;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import io.parley.chat.auth.tenant.Tenant;

@Document(TenantDocument.COLLECTION)
public record TenantDocument(@Id String id, String slug, String name, boolean openSignup, Instant createdAt) {

    static final String COLLECTION = "tenants";

    public Tenant toTenant() {
        return new Tenant(id, slug, name, openSignup);
    }
}
