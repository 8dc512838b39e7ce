package io.parley.chat.auth.directory;

import org.springframework.stereotype.Service;

import io.parley.chat.auth.account.persistence.UserDocument;
import io.parley.chat.auth.account.persistence.UserRepository;
import io.parley.chat.kit.page.Page;
import io.parley.chat.kit.page.PageCursor;
import io.parley.chat.kit.security.ChatPrincipal;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Finding colleagues by name. The tenant searched is always the caller's own, taken from
 * the verified token and never from the request: there is no parameter that could name
 * another tenant.
 */
@Service
public class DirectoryService {

    private static final String LIST = "users";

    private final UserRepository users;

    DirectoryService(UserRepository users) {
        this.users = users;
    }

    /**
     * One page of the caller's tenant's users matching {@code query}, in username order:
     * after {@code cursor} when it is not null, else from the {@code page}th page of
     * {@code limit} (deprecated, 0 for the first).
     */
    public Mono<Page<DirectoryEntry>> search(ChatPrincipal caller, String query, String cursor, int page, int limit) {
        PageCursor after = PageCursor.decode(cursor, LIST, 1);
        return users.search(caller.tenantId(), query.strip(), after == null ? null : after.text(0), (long) page * limit,
                        limit + 1)
                .collectList()
                .map(found -> Page.of(found, limit, last -> PageCursor.of(LIST, last.usernameKey()).encode()))
                .map(found -> found.map(DirectoryService::entry));
    }

    /** The caller's tenant's users among {@code ids}, in the order asked, each once. */
    public Flux<DirectoryEntry> lookup(ChatPrincipal caller, java.util.List<String> ids) {
        return Flux.fromStream(ids.stream().distinct())
                .flatMapSequential(id -> users.findById(caller.tenantId(), id), 8)
                .map(DirectoryService::entry);
    }

    private static DirectoryEntry entry(UserDocument user) {
        return new DirectoryEntry(user.id(), user.username(), user.displayName());
    }
}
