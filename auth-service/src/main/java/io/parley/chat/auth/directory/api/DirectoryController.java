package io.parley.chat.auth.directory.api;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.parley.chat.auth.directory.DirectoryEntry;
import io.parley.chat.auth.directory.DirectoryService;
import io.parley.chat.kit.problem.ChatProblem;
import io.parley.chat.kit.security.ChatPrincipal;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import reactor.core.publisher.Mono;

@RestController
@Validated
class DirectoryController {

    private static final int DEFAULT_LIMIT = 20;

    private final DirectoryService directory;

    DirectoryController(DirectoryService directory) {
        this.directory = directory;
    }

    /**
     * Pages of at most 50 users; pass {@code nextCursor} back as {@code cursor} for the next.
     * {@code page} and {@code size} are the deprecated way (until v2): {@code size} is read
     * when {@code limit} is absent, and {@code page} (at most 200, as its offset is a skip that
     * costs what it skips) cannot be combined with a cursor. The body keeps {@code page} and
     * {@code size} for this version.
     */
    @GetMapping("/api/v1/users")
    Mono<DirectoryPage> search(ChatPrincipal caller,
                               @RequestParam(defaultValue = "") @Size(max = 64) String query,
                               @RequestParam(required = false) @Min(1) @Max(50) Integer limit,
                               @RequestParam(required = false) String cursor,
                               @RequestParam(required = false) @Min(0) @Max(200) Integer page,
                               @RequestParam(required = false) @Min(1) @Max(50) Integer size) {
        if (cursor != null && page != null) {
            throw new ChatProblem(HttpStatus.BAD_REQUEST, "invalid-request",
                    "Pass either 'cursor' or the deprecated 'page', not both.");
        }
        int pageSize = limit != null ? limit : size != null ? size : DEFAULT_LIMIT;
        int pageNumber = page == null ? 0 : page;
        return directory.search(caller, query, cursor, pageNumber, pageSize)
                .map(found -> new DirectoryPage(found.items(), found.nextCursor(), pageNumber, pageSize));
    }

    /**
     * The users of the caller's tenant among {@code ids} (at most 100); ids that name no
     * user there are simply absent, so a caller learns nothing about other tenants.
     */
    @GetMapping("/api/v1/users/lookup")
    Mono<DirectoryLookup> lookup(ChatPrincipal caller,
                                 @RequestParam @Size(min = 1, max = 100)
                                 List<@Pattern(regexp = "[A-Za-z0-9_-]{1,64}", message = "must be a user id") String> ids) {
        return directory.lookup(caller, ids).collectList().map(DirectoryLookup::new);
    }

    record DirectoryLookup(List<DirectoryEntry> items) {
    }

    /** The shared page envelope, with the deprecated {@code page} and {@code size} of this version. */
    record DirectoryPage(List<DirectoryEntry> items, String nextCursor, @Deprecated int page, @Deprecated int size) {
    }
}
