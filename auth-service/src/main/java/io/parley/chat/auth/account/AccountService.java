package io.parley.chat.auth.account;

import java.text.Normalizer;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

import io.parley.chat.auth.NotAllowed;
import io.parley.chat.auth.Roles;
import io.parley.chat.auth.account.persistence.UserDocument;
import io.parley.chat.auth.account.persistence.UserRepository;
import io.parley.chat.auth.tenant.TenantService;
import io.parley.chat.auth.token.AccessTokenService;
import io.parley.chat.auth.token.InvalidRefreshToken;
import io.parley.chat.auth.token.RefreshGrant;
import io.parley.chat.auth.token.RefreshTokenService;
import io.parley.chat.auth.token.TokenSubject;
import io.parley.chat.auth.token.messaging.SessionEventPublisher;
import io.parley.chat.kit.security.ChatPrincipal;
import reactor.core.publisher.Mono;

/** Sign-up, sign-in and the sessions that follow: the flows behind {@code /api/v1/auth}. */
@Service
public class AccountService {

    static final List<String> DEFAULT_ROLES = List.of(Roles.MEMBER);
    static final List<String> ADMIN_ROLES = List.of(Roles.MEMBER, Roles.ADMIN);
    /** The bootstrap admin also administers its own tenant, so it can create that tenant's first users. */
    static final List<String> PLATFORM_ADMIN_ROLES = List.of(Roles.MEMBER, Roles.ADMIN, Roles.PLATFORM_ADMIN);

    private final TenantService tenants;
    private final UserRepository users;
    private final PasswordHasher passwords;
    private final PasswordPolicy policy;
    private final LoginThrottle throttle;
    private final AccessTokenService accessTokens;
    private final RefreshTokenService refreshTokens;
    private final SessionEventPublisher sessions;

    AccountService(TenantService tenants, UserRepository users, PasswordHasher passwords, PasswordPolicy policy,
                   LoginThrottle throttle, AccessTokenService accessTokens, RefreshTokenService refreshTokens,
                   SessionEventPublisher sessions) {
        this.sessions = sessions;
        this.tenants = tenants;
        this.users = users;
        this.passwords = passwords;
        this.policy = policy;
        this.throttle = throttle;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
    }

    public Mono<User> register(Registration registration) {
        return Mono.fromRunnable(() -> policy.check(registration.password()))
                .then(tenants.requireOpenForSignup(registration.tenant()))
                .flatMap(tenant -> create(tenant.id(), registration, DEFAULT_ROLES));
    }

    /** A tenant admin adds a user to their own tenant, whether or not it allows sign-up. */
    public Mono<User> createUser(ChatPrincipal caller, Registration registration, boolean admin) {
        return requireRole(caller, Roles.ADMIN)
                .then(Mono.fromRunnable(() -> policy.check(registration.password())))
                .then(Mono.defer(() -> create(caller.tenantId(), registration, admin ? ADMIN_ROLES : DEFAULT_ROLES)));
    }

    /** The first admin of a tenant a platform admin has just created. */
    public Mono<User> createTenantAdmin(String tenantId, Registration registration) {
        return create(tenantId, registration, ADMIN_ROLES);
    }

    /**
     * Disables or enables a user of the caller's tenant. A disabled user cannot log in,
     * refresh, or read their account; the access token they hold lives out its short TTL.
     * Their refresh families are not deleted, so enabling them again does not resurrect a
     * session: {@code continueSession} revokes a family the moment it meets a disabled user.
     * Disabling also ends the user's live sockets: every edge closes them on the
     * {@code SessionRevoked} (for all sessions) published here.
     */
    public Mono<User> setDisabled(ChatPrincipal caller, String userId, boolean disabled) {
        return requireRole(caller, Roles.ADMIN)
                .then(Mono.defer(() -> users.setDisabled(caller.tenantId(), userId, disabled)))
                .switchIfEmpty(Mono.error(UserNotFound::new))
                .map(AccountService::toUser)
                .flatMap(user -> disabled
                        ? sessions.revoke(user.tenantId(), user.id(), null).thenReturn(user)
                        : Mono.just(user));
    }

    /** Creates the bootstrap platform admin unless that username exists already (it is never reset). */
    public Mono<Void> seedPlatformAdmin(String tenantSlug, String username, String password) {
        Registration registration = new Registration(tenantSlug, username, password, "Platform admin");
        return tenants.find(tenantSlug)
                .switchIfEmpty(Mono.error(() -> new IllegalStateException(
                        "The platform admin's tenant '" + tenantSlug + "' is not configured")))
                .filterWhen(tenant -> users.existsByUsername(tenant.id(), usernameKey(username)).map(taken -> !taken))
                .flatMap(tenant -> create(tenant.id(), registration, PLATFORM_ADMIN_ROLES))
                .onErrorResume(UsernameTaken.class, e -> Mono.empty())
                .then();
    }

    static Mono<Void> requireRole(ChatPrincipal caller, String role) {
        return caller.hasRole(role) ? Mono.empty() : Mono.error(new NotAllowed(role));
    }

    private Mono<User> create(String tenantId, Registration registration, List<String> roles) {
        String usernameKey = usernameKey(registration.username());
        return requireUsernameFree(tenantId, usernameKey)
                .then(passwords.hash(registration.password()))
                .map(hash -> newUser(tenantId, registration, usernameKey, hash, roles))
                .flatMap(users::insert)
                // The check above is a courtesy that saves a hash; this is the guarantee under races.
                .onErrorMap(DuplicateKeyException.class, e -> new UsernameTaken())
                .map(AccountService::toUser);
    }

    /**
     * Unknown tenant, unknown user, wrong password and disabled account all cost one
     * BCrypt comparison and end in the same {@link InvalidCredentials}. Failures are
     * slowed down and limited per account and {@code clientAddress} together, and per
     * {@code clientAddress} ({@link LoginThrottle}).
     */
    public Mono<Session> login(String tenantSlug, String username, String password, String clientAddress) {
        String usernameKey = usernameKey(username);
        return throttle.guard(tenantSlug.toLowerCase(Locale.ROOT), usernameKey, clientAddress,
                        () -> findCandidate(tenantSlug, usernameKey).flatMap(candidate -> authenticate(candidate, password)))
                .map(AccountService::toUser)
                .flatMap(this::startSession);
    }

    public Mono<Session> refresh(String refreshToken) {
        return refreshTokens.redeem(refreshToken).flatMap(this::continueSession);
    }

    public Mono<Void> logout(String refreshToken) {
        return refreshTokens.revokeFamilyOf(refreshToken);
    }

    /** The caller as stored now, which may differ from the (up to 15 minutes old) token. */
    public Mono<User> me(ChatPrincipal caller) {
        return activeUser(caller.tenantId(), caller.userId()).switchIfEmpty(Mono.error(AccountUnavailable::new));
    }

    private Mono<Void> requireUsernameFree(String tenantId, String usernameKey) {
        return users.existsByUsername(tenantId, usernameKey)
                .flatMap(taken -> taken ? Mono.error(new UsernameTaken()) : Mono.empty());
    }

    private Mono<Optional<UserDocument>> findCandidate(String tenantSlug, String usernameKey) {
        return tenants.find(tenantSlug)
                .flatMap(tenant -> users.findByUsername(tenant.id(), usernameKey))
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }

    private Mono<UserDocument> authenticate(Optional<UserDocument> candidate, String password) {
        return passwords.matches(password, candidate.map(UserDocument::passwordHash).orElse(null))
                .flatMap(matches -> matches && !candidate.get().disabled()
                        ? Mono.just(candidate.get())
                        : Mono.error(new InvalidCredentials()));
    }

    private Mono<Session> startSession(User user) {
        String sessionId = refreshTokens.newFamilyId();
        return Mono.zip(accessTokens.issue(subject(user, sessionId)),
                        refreshTokens.startFamily(sessionId, user.id(), user.tenantId()))
                .map(tokens -> new Session(user, tokens.getT1(), tokens.getT2()));
    }

    /** A disabled or deleted user's refresh token ends the session instead of renewing it. */
    private Mono<Session> continueSession(RefreshGrant grant) {
        return activeUser(grant.tenantId(), grant.userId())
                .switchIfEmpty(Mono.defer(() -> refreshTokens.revokeFamily(grant).then(Mono.error(new InvalidRefreshToken()))))
                .flatMap(user -> Mono.zip(accessTokens.issue(subject(user, grant.familyId())), refreshTokens.rotate(grant))
                        .map(tokens -> new Session(user, tokens.getT1(), tokens.getT2())));
    }

    private Mono<User> activeUser(String tenantId, String userId) {
        return users.findById(tenantId, userId)
                .filter(user -> !user.disabled())
                .map(AccountService::toUser);
    }

    private static UserDocument newUser(String tenantId, Registration registration, String usernameKey, String hash,
                                        List<String> roles) {
        // NFC so that the same name typed on different keyboards is stored (and compared) alike.
        String displayName = Normalizer.normalize(registration.displayName().strip(), Normalizer.Form.NFC);
        return new UserDocument(UUID.randomUUID().toString(), tenantId, registration.username(), usernameKey,
                displayName, hash, roles, false, Instant.now());
    }

    private static String usernameKey(String username) {
        return username.toLowerCase(Locale.ROOT);
    }

    private static TokenSubject subject(User user, String sessionId) {
        return new TokenSubject(user.id(), user.tenantId(), user.displayName(), user.roles(), sessionId);
    }

    private static User toUser(UserDocument doc) {
        return new User(doc.id(), doc.tenantId(), doc.username(), doc.displayName(),
                doc.roles() == null ? DEFAULT_ROLES : List.copyOf(doc.roles()), doc.disabled());
    }
}
