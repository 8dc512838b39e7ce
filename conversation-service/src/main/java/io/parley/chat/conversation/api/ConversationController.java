package io.parley.chat.conversation.api;

import java.net.URI;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.parley.chat.conversation.ActivityCursor;
import io.parley.chat.conversation.ConversationChange;
import io.parley.chat.conversation.ConversationService;
import io.parley.chat.conversation.ConversationType;
import io.parley.chat.conversation.Ids;
import io.parley.chat.conversation.NewConversation;
import io.parley.chat.conversation.TitleCursor;
import io.parley.chat.kit.page.Page;
import io.parley.chat.kit.security.ChatPrincipal;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/v1/conversations")
class ConversationController {

    private final ConversationService conversations;

    ConversationController(ConversationService conversations) {
        this.conversations = conversations;
    }

    /** 201 for a new conversation; 200 with the existing one when a DIRECT conversation for the pair exists. */
    @PostMapping
    Mono<ResponseEntity<ConversationView>> create(ChatPrincipal caller,
                                                  @Valid @RequestBody CreateConversationRequest request) {
        NewConversation command = NewConversation.of(caller.userId(), ConversationType.valueOf(request.type()),
                request.title(), request.memberIds());
        return conversations.create(caller, command)
                .map(result -> ResponseEntity.status(result.created() ? HttpStatus.CREATED : HttpStatus.OK)
                        .location(URI.create("/api/v1/conversations/" + result.details().conversation().id()))
                        .body(ConversationView.of(result.details())));
    }

    /**
     * The tenant's channels (tenant-visible, open to join), by title; {@code query} matches
     * the start of the title, case-insensitively; pass {@code nextCursor} back as
     * {@code cursor} for the next page. A literal path: it wins over {@code /{id}}.
     */
    @GetMapping("/channels")
    Mono<Page<ChannelView>> channels(ChatPrincipal caller,
                                     @RequestParam(required = false) @Size(max = 128) String query,
                                     @RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit,
                                     @RequestParam(required = false) String cursor) {
        return conversations.channels(caller, query, TitleCursor.decode(cursor), limit)
                .map(page -> page.map(c -> new ChannelView(c.id(), c.title(), c.createdAt(), c.lastActivityAt())));
    }

    record ChannelView(String id, String title, java.time.Instant createdAt, java.time.Instant lastActivityAt) {
    }

    @GetMapping("/{id}")
    Mono<ConversationView> get(ChatPrincipal caller,
                               @PathVariable @Pattern(regexp = Ids.PATTERN, message = Ids.MESSAGE) String id) {
        return conversations.get(caller, id).map(ConversationView::of);
    }

    record ChangeRequest(String title, Map<String, String> settings) {
    }

    @PatchMapping("/{id}")
    Mono<ConversationView> update(ChatPrincipal caller,
                                  @PathVariable @Pattern(regexp = Ids.PATTERN, message = Ids.MESSAGE) String id,
                                  @RequestBody ChangeRequest request) {
        return conversations.update(caller, id, ConversationChange.of(request.title(), request.settings()))
                .map(ConversationView::of);
    }

    /** Newest activity first; pass {@code nextCursor} back as {@code cursor} for the next page. */
    @GetMapping
    Mono<Page<ConversationSummary>> list(ChatPrincipal caller,
                                         @RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit,
                                         @RequestParam(required = false) String cursor) {
        return conversations.list(caller, ActivityCursor.decode(cursor), limit).map(page -> page.map(ConversationSummary::of));
    }
}
