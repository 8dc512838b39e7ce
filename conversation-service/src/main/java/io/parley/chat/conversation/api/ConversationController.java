package io.parley.chat.conversation.api;

import java.net.URI;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.parley.chat.conversation.ConversationService;
import io.parley.chat.conversation.ConversationType;
import io.parley.chat.conversation.Ids;
import io.parley.chat.conversation.NewConversation;
import io.parley.chat.kit.security.ChatPrincipal;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import reactor.core.publisher.Flux;
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

    @GetMapping("/{id}")
    Mono<ConversationView> get(ChatPrincipal caller,
                               @PathVariable @Pattern(regexp = Ids.PATTERN, message = Ids.MESSAGE) String id) {
        return conversations.get(caller, id).map(ConversationView::of);
    }

    @GetMapping
    Flux<ConversationSummary> list(ChatPrincipal caller,
                                   @RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit) {
        return conversations.list(caller, limit).map(ConversationSummary::of);
    }
}
