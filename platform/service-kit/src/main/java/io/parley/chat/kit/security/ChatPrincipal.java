package io.parley.chat.kit.security;

import java.util.List;

import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The verified caller of a request: who they are, which tenant they act in, and the
 * token they presented, to relay on calls made on their behalf.
 */
public record ChatPrincipal(String userId, String tenantId, String name, List<String> roles, String token) {

    public static final String TENANT_CLAIM = "tid";
    public static final String ROLES_CLAIM = "roles";
    public static final String NAME_CLAIM = "name";

    public static ChatPrincipal from(Jwt jwt) {
        List<String> roles = jwt.getClaimAsStringList(ROLES_CLAIM);
        return new ChatPrincipal(jwt.getSubject(), jwt.getClaimAsString(TENANT_CLAIM),
                jwt.getClaimAsString(NAME_CLAIM), roles == null ? List.of() : List.copyOf(roles), jwt.getTokenValue());
    }

    /** Without the token: a principal printed by anything (a log line, an exception) must not carry a credential. */
    @Override
    public String toString() {
        return "ChatPrincipal[userId=" + userId + ", tenantId=" + tenantId + ", roles=" + roles + "]";
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    /** The value of an {@code Authorization} header that relays this caller's token. */
    public String bearer() {
        return "Bearer " + token;
    }
}
