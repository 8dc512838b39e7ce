package io.parley.chat.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.parley.chat.testkit.ApiDescription;

/** The published OpenAPI document (contracts' api/openapi.yaml) and this service's controllers agree, both ways. */
class ApiDescriptionTest {

    @Test
    void everyControllerIsDocumentedAndEveryDocumentedOperationHasAController() {
        assertThat(ApiDescription.implemented("io.parley.chat.auth"))
                .as("public handler methods of auth-service vs operations with x-service: auth")
                .containsExactlyInAnyOrderElementsOf(ApiDescription.documented("auth"))
                .isNotEmpty();
    }
}
