package io.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The drift check sees both kinds of drift: a controller the document lacks and a documented path nobody serves. */
class ApiDescriptionTest {

    @Test
    void readsPublicControllersAsWebFluxMapsThemIgnoringVariableNames() {
        assertThat(ApiDescription.implemented("io.parley.chat.testkit.demo"))
                .containsExactlyInAnyOrder("GET /api/v1/things", "DELETE /api/v1/things/{}", "POST /api/v1/things");
    }

    @Test
    void readsOnlyTheServicesOwnOperations() {
        assertThat(ApiDescription.documented("demo"))
                .containsExactlyInAnyOrder("GET /api/v1/things", "DELETE /api/v1/things/{}", "GET /api/v1/ghost");
    }

    @Test
    void undocumentedControllerAndUnservedPathBothShowAsDifferences() {
        var implemented = ApiDescription.implemented("io.parley.chat.testkit.demo");
        var documented = ApiDescription.documented("demo");

        assertThat(implemented).doesNotContainAnyElementsOf(java.util.List.of("GET /api/v1/ghost"));
        assertThat(documented).doesNotContain("POST /api/v1/things");
        assertThat(implemented).isNotEqualTo(documented);
    }
}
