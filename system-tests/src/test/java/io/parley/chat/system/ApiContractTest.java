package io.parley.chat.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.parley.chat.testkit.ApiContract;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The contract check finds drift between an answer and openapi.yaml or asyncapi.yaml, and passes one that keeps them. */
class ApiContractTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final ApiContract contract = ApiContract.get();

    @Test
    void aPageOfConversationsKeepsTheContractAndOneWithoutItsItemsDoesNot() {
        assertThat(contract.checkResponse("GET", "/api/v1/conversations?limit=5", 200, "application/json",
                json("{\"items\":[],\"nextCursor\":null}"))).isEmpty();

        assertThat(contract.checkResponse("GET", "/api/v1/conversations", 200, "application/json",
                json("{\"nextCursor\":7}"))).isNotEmpty();
    }

    @Test
    void aResponseOfAnOperationWithAPathVariableIsCheckedThroughItsReferencedResponse() {
        String path = "/api/v1/conversations/c-1/messages/12";
        assertThat(contract.checkResponse("PATCH", path, 404, "application/problem+json",
                json("{\"type\":\"https://parley.dev/problems/message-not-found\",\"title\":\"Not Found\","
                        + "\"status\":404,\"code\":\"message-not-found\",\"retryable\":false}"))).isEmpty();
        assertThat(contract.checkResponse("PATCH", path, 404, "application/problem+json",
                json("{\"type\":\"https://parley.dev/problems/message-not-found\",\"status\":404}")))
                .as("a problem without title, code and retryable").isNotEmpty();
    }

    @Test
    void anUndocumentedStatusPassesOnlyAsAProblemAndAnUnknownOperationNever() {
        String problem = "{\"type\":\"https://parley.dev/problems/rate-limited\",\"title\":\"Too Many Requests\","
                + "\"status\":429,\"code\":\"rate-limited\",\"retryable\":true}";
        assertThat(contract.checkResponse("GET", "/api/v1/presence?userIds=u", 429, "application/problem+json",
                json(problem))).isEmpty();
        assertThat(contract.checkResponse("GET", "/api/v1/presence?userIds=u", 418, "application/json",
                json("{}"))).isNotEmpty();
        assertThat(contract.checkResponse("GET", "/api/v1/nothing-here", 200, "application/json", json("{}")))
                .isNotEmpty();
        assertThat(contract.checkResponse("GET", "/actuator/health", 200, "application/json", json("{}")))
                .as("not part of the public API").isEmpty();
    }

    @Test
    void aPathOrMethodTheApiDoesNotHaveIsRefusedWithAProblem() {
        String notFound = "{\"type\":\"https://parley.dev/problems/not-found\",\"title\":\"Not Found\","
                + "\"status\":404,\"code\":\"not-found\",\"retryable\":false}";
        assertThat(contract.checkResponse("PATCH", "/api/v1/conversations/c-1/messages/", 404,
                "application/problem+json", json(notFound))).as("what the fuzzer sends: the answer is right").isEmpty();
        assertThat(contract.checkResponse("PATCH", "/api/v1/conversations/c-1/messages/", 404, "text/html",
                json("{\"error\":\"nope\"}"))).as("a 404 that is not a Problem").isNotEmpty();
        assertThat(contract.checkResponse("DELETE", "/api/v1/nothing-here", 200, "application/json", json("{}")))
                .as("an unknown operation that answers as if it existed").isNotEmpty();
    }

    @Test
    void serverFramesAreCheckedByTheirType() {
        assertThat(contract.checkServerFrame(json("{\"type\":\"pong\",\"id\":\"p1\"}"))).isEmpty();
        assertThat(contract.checkServerFrame(json("{\"type\":\"error\",\"id\":\"s1\",\"code\":\"not-found\","
                + "\"legacyCode\":\"not_found\",\"message\":\"no such conversation\",\"retryable\":false}"))).isEmpty();
        assertThat(contract.checkServerFrame(json("{\"type\":\"error\",\"code\":\"no_such_code\",\"message\":\"x\","
                + "\"retryable\":false}"))).as("a code outside the enum").isNotEmpty();
        assertThat(contract.checkServerFrame(json("{\"type\":\"surprise\"}"))).isNotEmpty();
    }

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }
}
