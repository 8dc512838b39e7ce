package io.parley.chat.presence.api;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.parley.chat.kit.security.ChatPrincipal;
import io.parley.chat.presence.Ids;
import io.parley.chat.presence.PresenceService;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import reactor.core.publisher.Flux;

@RestController
class PresenceController {

    static final int MAX_USERS = 100;

    private final PresenceService presence;

    PresenceController(PresenceService presence) {
        this.presence = presence;
    }

    /** {@code userIds=a,b} or repeated {@code userIds}; answers in the order asked, duplicates once. */
    @GetMapping("/api/v1/presence")
    Flux<PresenceView> read(ChatPrincipal caller,
                            @RequestParam @NotEmpty @Size(max = MAX_USERS, message = "at most " + MAX_USERS + " user ids")
                            List<@Pattern(regexp = Ids.PATTERN, message = Ids.MESSAGE) String> userIds) {
        return presence.read(caller, userIds).map(PresenceView::of);
    }
}
