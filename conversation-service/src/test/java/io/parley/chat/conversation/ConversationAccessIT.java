package io.parley.chat.conversation;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** Who may see a conversation: members only, and never across tenants (404, not 403). */
class ConversationAccessIT extends RunningService {

    String tenant;
    String alice;
    String bob;
    String id;

    @BeforeEach
    void groupOfAliceAndBob() {
        tenant = unique("t");
        alice = unique("alice");
        bob = unique("bob");
        id = create(token(alice, tenant), group("private", bob));
    }

    @Test
    void memberGetsTheirRoleFromTheMembershipCheck() {
        get(token(bob, tenant), membership(id)).expectStatus().isOk()
                .expectBody()
                .jsonPath("$.conversationId").isEqualTo(id)
                .jsonPath("$.userId").isEqualTo(bob)
                .jsonPath("$.role").isEqualTo("member");
        get(token(alice, tenant), membership(id)).expectStatus().isOk()
                .expectBody().jsonPath("$.role").isEqualTo("owner");
    }

    @Test
    void nonMemberOfTheSameTenantGets404() {
        String mallory = unique("mallory");
        notFound(get(token(mallory, tenant), "/api/v1/conversations/" + id));
        notFound(get(token(mallory, tenant), membership(id)));
    }

    @Test
    void memberIdFromAnotherTenantGets404() {
        // same user id, other tenant: the tenant in the token decides, not the id
        String otherTenant = unique("t");
        notFound(get(token(bob, otherTenant), "/api/v1/conversations/" + id));
        notFound(get(token(bob, otherTenant), membership(id)));
    }

    @Test
    void unknownConversationGets404LikeAForeignOne() {
        notFound(get(token(alice, tenant), "/api/v1/conversations/" + unique("nope")));
        notFound(get(token(alice, tenant), membership(unique("nope"))));
    }

    private static String membership(String conversationId) {
        return "/internal/v1/conversations/" + conversationId + "/membership";
    }

    private static void notFound(org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec response) {
        response.expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://parley.dev/problems/conversation-not-found")
                .jsonPath("$.status").isEqualTo(404);
    }
}
