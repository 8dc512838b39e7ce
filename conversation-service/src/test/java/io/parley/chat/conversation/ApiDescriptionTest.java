package io.parley.chat.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.parley.chat.testkit.ApiDescription;

/** The published OpenAPI document (contracts' api/openapi.yaml) and this service's controllers agree, both ways. */
class ApiDescriptionTest {

    @Test
    void everyControllerIsDocumentedAndEveryDocumentedOperationHasAController() {
        assertThat(ApiDescription.implemented("io.parley.chat.conversation"))
                .as("public handler methods of conversation-service vs operations with x-service: conversation")
                .containsExactlyInAnyOrderElementsOf(ApiDescription.documented("conversation"))
                .isNotEmpty();
    }
}
