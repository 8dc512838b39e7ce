package io.parley.chat.conversation;

import java.util.List;

/** A conversation with its members, as a member sees it. */
public record ConversationDetails(Conversation conversation, List<Member> members) {
}
