package io.parley.chat.auth.account;

import java.text.Normalizer;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

import io.parley.chat.auth.account.persistence.UserDocument;
import io.parley.chat.auth.account.persistence.UserRepository;
import io.parley.chat.auth.tenant.Tenant;
import io.parley.chat.auth.tenant.TenantService;
import io.parley.chat.auth.token.AccessTokenService;
import io.parley.chat.auth.token.InvalidRefreshToken;
import io.parley.chat.auth.token.RefreshGrant;
import io.parley.chat.auth.token.RefreshTokenService;
import io.parley.chat.auth.token.TokenSubject;
import io.parley.chat.kit.security.ChatPrincipal;
import reactor.core.publisher.Mono;

/** Sign-up, sign-in and the sessions that follow: the flows behind {@code /api/v1/auth}. */
@Service
public class AccountService {

    static final List<String> DEFAULT_ROLES = List.of("member");

    private final TenantService tenants;
    private final UserRepository users;
    private final PasswordHasher passwords;
    private final AccessTokenService accessTokens;
    private final RefreshTokenService refreshTokens;

    AccountService(TenantService tenants, UserRepository users, PasswordHasher passwords,
                   AccessTokenService accessTokens, RefreshTokenService refreshTokens) {
        this.tenants = tenants;
        this.users = users;
        this.passwords = passwords;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
    }

    public Mono<User> register(Registration registration) {
        String usernameKey = usernameKey(registration.username());
        return tenants.requireOpenForSignup(registration.tenant())
                .flatMap(tenant -> requireUsernameFree(tenant, usernameKey))
                .flatMap(tenant -> passwords.hash(registration.password())
                        .map(hash -> newUser(tenant, registration, usernameKey, hash)))
                .flatMap(users::insert)
                // The check above is a courtesy that saves a hash; this is the guarantee under races.
                .onErrorMap(DuplicateKeyException.class, e -> new UsernameTaken())
                .map(AccountService::toUser);
    }

    /**
     * Unknown tenant, unknown user, wrong password and disabled account all cost one
     * BCrypt comparison and end in the same {@link InvalidCredentials}.
     */
    public Mono<Session> login(String tenantSlug, String username, String password) {
        return findCandidate(tenantSlug, usernameKey(username))
                .flatMap(candidate -> authenticate(candidate, password))
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

    private Mono<Tenant> requireUsernameFree(Tenant tenant, String usernameKey) {
        return users.existsByUsername(tenant.id(), usernameKey)
                .flatMap(taken -> taken ? Mono.error(new UsernameTaken()) : Mono.just(tenant));
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
        return Mono.zip(accessTokens.issue(subject(user)), refreshTokens.startFamily(user.id(), user.tenantId()))
                .map(tokens -> new Session(user, tokens.getT1(), tokens.getT2()));
    }

    /** A disabled or deleted user's refresh token ends the session instead of renewing it. */
    private Mono<Session> continueSession(RefreshGrant grant) {
        return activeUser(grant.tenantId(), grant.userId())
                .switchIfEmpty(Mono.defer(() -> refreshTokens.revokeFamily(grant).then(Mono.error(new InvalidRefreshToken()))))
                .flatMap(user -> Mono.zip(accessTokens.issue(subject(user)), refreshTokens.rotate(grant))
                        .map(tokens -> new Session(user, tokens.getT1(), tokens.getT2())));
    }

    private Mono<User> activeUser(String tenantId, String userId) {
        return users.findById(tenantId, userId)
                .filter(user -> !user.disabled())
                .map(AccountService::toUser);
    }

    private static UserDocument newUser(Tenant tenant, Registration registration, String usernameKey, String hash) {
        // NFC so that the same name typed on different keyboards is stored (and compared) alike.
        String displayName = Normalizer.normalize(registration.displayName().strip(), Normalizer.Form.NFC);
        return new UserDocument(UUID.randomUUID().toString(), tenant.id(), registration.username(), usernameKey,
                displayName, hash, DEFAULT_ROLES, false, Instant.now());
    }

    private static String usernameKey(String username) {
        return username.toLowerCase(Locale.ROOT);
    }

    private static TokenSubject subject(User user) {
        return new TokenSubject(user.id(), user.tenantId(), user.displayName(), user.roles());
    }

    private static User toUser(UserDocument doc) {
        return new User(doc.id(), doc.tenantId(), doc.username(), doc.displayName(),
                doc.roles() == null ? DEFAULT_ROLES : List.copyOf(doc.roles()), doc.disabled());
    }
}
