package io.parley.chat.presence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.parley.chat.testkit.ApiDescription;

/** The published OpenAPI document (contracts' api/openapi.yaml) and this service's controllers agree, both ways. */
class ApiDescriptionTest {

    @Test
    void everyControllerIsDocumentedAndEveryDocumentedOperationHasAController() {
        assertThat(ApiDescription.implemented("io.parley.chat.presence"))
                .as("public handler methods of presence-service vs operations with x-service: presence")
                .containsExactlyInAnyOrderElementsOf(ApiDescription.documented("presence"))
                .isNotEmpty();
    }
}
