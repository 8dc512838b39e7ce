package io.parley.chat.auth;

/** The roles auth-service puts in tokens and checks itself. */
public final class Roles {

    public static final String MEMBER = "member";
    /** Administers the users of its own tenant. */
    public static final String ADMIN = "admin";
    /** Operates the platform: creates tenants and rotates keys. */
    public static final String PLATFORM_ADMIN = "platform-admin";
    /** An integration's client-credentials token; never a person. */
    public static final String SERVICE = "service";

    private Roles() {
    }
}
