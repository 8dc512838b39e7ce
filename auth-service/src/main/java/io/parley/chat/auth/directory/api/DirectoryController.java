package io.parley.chat.auth.directory.api;

import java.util.List;

import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.parley.chat.auth.directory.DirectoryEntry;
import io.parley.chat.auth.directory.DirectoryService;
import io.parley.chat.kit.security.ChatPrincipal;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import reactor.core.publisher.Mono;

@RestController
@Validated
class DirectoryController {

    private final DirectoryService directory;

    DirectoryController(DirectoryService directory) {
        this.directory = directory;
    }

    /** Pages are bounded (at most 50 users, at most page 200) so one call cannot walk a whole tenant cheaply. */
    @GetMapping("/api/v1/users")
    Mono<DirectoryPage> search(ChatPrincipal caller,
                               @RequestParam(defaultValue = "") @Size(max = 64) String query,
                               @RequestParam(defaultValue = "0") @Min(0) @Max(200) int page,
                               @RequestParam(defaultValue = "20") @Min(1) @Max(50) int size) {
        return directory.search(caller, query, page, size).collectList()
                .map(items -> new DirectoryPage(items, page, size));
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

    record DirectoryPage(List<DirectoryEntry> items, int page, int size) {
    }
}
