package io.parley.chat.auth.directory;

import org.springframework.stereotype.Service;

import io.parley.chat.auth.account.persistence.UserDocument;
import io.parley.chat.auth.account.persistence.UserRepository;
import io.parley.chat.kit.security.ChatPrincipal;
import reactor.core.publisher.Flux;

/**
 * Finding colleagues by name. The tenant searched is always the caller's own, taken from
 * the verified token and never from the request: there is no parameter that could name
 * another tenant.
 */
@Service
public class DirectoryService {

    private final UserRepository users;

    DirectoryService(UserRepository users) {
        this.users = users;
    }

    public Flux<DirectoryEntry> search(ChatPrincipal caller, String query, int page, int size) {
        return users.search(caller.tenantId(), query.strip(), page, size).map(DirectoryService::entry);
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
