package io.parley.chat.conversation.api;

import java.util.List;

import io.parley.chat.conversation.Ids;
import io.parley.chat.conversation.NewConversation;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** The shape checks; the rules that depend on the type live in {@link NewConversation}. */
record CreateConversationRequest(
        @NotNull @Pattern(regexp = "DIRECT|GROUP|CHANNEL", message = "must be DIRECT, GROUP or CHANNEL") String type,
        String title,
        @Size(max = NewConversation.MAX_MEMBERS, message = "at most " + NewConversation.MAX_MEMBERS + " members per request")
        List<@NotNull @Pattern(regexp = Ids.PATTERN, message = Ids.MESSAGE) String> memberIds) {
}
