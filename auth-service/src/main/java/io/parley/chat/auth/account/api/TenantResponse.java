package io.parley.chat.auth.account.api;

import io.parley.chat.auth.tenant.Tenant;

record TenantResponse(String id, String slug, String name, boolean openSignup, String adminId) {

    static TenantResponse of(Tenant tenant, String adminId) {
        return new TenantResponse(tenant.id(), tenant.slug(), tenant.name(), tenant.openSignup(), adminId);
    }
}
