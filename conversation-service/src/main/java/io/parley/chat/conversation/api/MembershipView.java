package io.parley.chat.conversation.api;

import io.parley.chat.conversation.Member;

record MembershipView(String conversationId, String userId, String role) {

    static MembershipView of(Member member) {
        return new MembershipView(member.conversationId(), member.userId(), member.role().wire());
    }
}
