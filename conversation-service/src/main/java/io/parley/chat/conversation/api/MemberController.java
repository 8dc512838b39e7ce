package io.parley.chat.conversation.api;

import java.math.BigDecimal;
import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.parley.chat.conversation.Ids;
import io.parley.chat.conversation.MemberService;
import io.parley.chat.conversation.NewMembers;
import io.parley.chat.conversation.Role;
import io.parley.chat.kit.security.ChatPrincipal;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import reactor.core.publisher.Mono;

/** Membership changes and read markers; who may do what is decided in {@link MemberService}. */
@RestController
@RequestMapping("/api/v1/conversations/{id}")
class MemberController {

    private static final String ROLES = "owner|admin|member";

    private final MemberService members;

    MemberController(MemberService members) {
        this.members = members;
    }

    record AddMembersRequest(
            @NotNull @Size(max = NewMembers.MAX_USERS, message = "at most " + NewMembers.MAX_USERS + " users per request")
            List<@NotNull @Pattern(regexp = Ids.PATTERN, message = Ids.MESSAGE) String> userIds,
            @Pattern(regexp = ROLES, message = "must be owner, admin or member") String role) {
    }

    record RoleRequest(@NotNull @Pattern(regexp = ROLES, message = "must be owner, admin or member") String role) {
    }

    /** A decimal, so that 1.5 is refused instead of being truncated to 1 by the JSON reader. */
    record ReadRequest(@NotNull @PositiveOrZero @Digits(integer = 18, fraction = 0, message = "must be a whole number")
                       BigDecimal seq) {
    }

    record ReadMarker(String conversationId, String userId, long readSeq) {
    }

    /** 200 with the conversation and all its members after the change (also when nobody was new). */
    @PostMapping("/members")
    Mono<ConversationView> add(ChatPrincipal caller,
                               @PathVariable String id,
                               @Valid @RequestBody AddMembersRequest request) {
        return members.add(caller, Ids.require("id", id), NewMembers.of(request.userIds(), request.role()))
                .map(ConversationView::of);
    }

    @DeleteMapping("/members/{userId}")
    Mono<ResponseEntity<Void>> remove(ChatPrincipal caller,
                                      @PathVariable @Pattern(regexp = Ids.PATTERN, message = Ids.MESSAGE) String id,
                                      @PathVariable @Pattern(regexp = Ids.PATTERN, message = Ids.MESSAGE) String userId) {
        return members.remove(caller, id, userId).thenReturn(ResponseEntity.noContent().build());
    }

    @PatchMapping("/members/{userId}")
    Mono<MembershipView> changeRole(ChatPrincipal caller,
                                    @PathVariable String id, @PathVariable String userId,
                                    @Valid @RequestBody RoleRequest request) {
        return members.changeRole(caller, Ids.require("id", id), Ids.require("userId", userId),
                        Role.fromWire(request.role()))
                .map(MembershipView::of);
    }

    /** The marker after the call: a seq below the current marker leaves it unchanged. */
    @PutMapping("/read")
    Mono<ReadMarker> read(ChatPrincipal caller,
                          @PathVariable String id,
                          @Valid @RequestBody ReadRequest request) {
        return members.markRead(caller, Ids.require("id", id), request.seq().longValueExact())
                .map(member -> new ReadMarker(member.conversationId(), member.userId(), member.readSeq()));
    }
}
