package io.parley.chat.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * What the running code answers, checked against the published contracts: a REST response
 * against the schema that {@code api/openapi.yaml} documents for its operation and status,
 * a WebSocket frame from the server against the payload that {@code api/asyncapi.yaml}
 * documents for its {@code type}, and a Kafka record's value against its event's payload. Schemas are JSON Schema 2020-12 (OpenAPI 3.1, AsyncAPI 3),
 * validated by networknt's json-schema-validator, with {@code $ref}s resolved in the document
 * they are in. Each check returns what is wrong, empty when the answer keeps the contract.
 *
 * <p>A status an operation does not document is allowed only as a problem document (the
 * gateway may answer any route with 429, 502, 503 or 504), and then it must be a
 * {@code Problem}. Paths outside {@code /api/} and {@code /.well-known/} are not described
 * and not checked.
 */
public final class ApiContract {

    private static final String OPENAPI = "urn:parley:openapi";
    private static final String ASYNCAPI = "urn:parley:asyncapi";
    private static final ApiContract INSTANCE = new ApiContract();

    private final JsonNode openApi = read(ApiDescription.RESOURCE);
    private final JsonNode asyncApi = read("api/asyncapi.yaml");
    /** Both documents under names of their own, so that a schema's {@code $ref}s resolve in the document it is in. */
    private final SchemaRegistry schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            registry -> registry.schemas(Map.of(OPENAPI, openApi.toString(), ASYNCAPI, asyncApi.toString())));
    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();
    private final List<Operation> operations = new ArrayList<>();
    /** Server frame type -> the pointers of the payloads documented for it. */
    private final Map<String, List<String>> framePayloads = new ConcurrentHashMap<>();

    private record Operation(String method, Pattern path, String template, JsonNode node) {
    }

    private ApiContract() {
        openApi.get("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
            String pattern = Pattern.quote(path.getKey()).replaceAll("\\{[^}/]+}", "\\\\E[^/]+\\\\Q");
            operations.add(new Operation(operation.getKey().toUpperCase(Locale.ROOT), Pattern.compile(pattern),
                    path.getKey(), operation.getValue()));
        }));
        asyncApi.path("components").path("messages").properties().forEach(message -> {
            JsonNode type = message.getValue().path("payload").path("properties").path("type");
            if (type.has("const")) {
                framePayloads.computeIfAbsent(type.get("const").asString(), t -> new ArrayList<>())
                        .add("/components/messages/" + escape(message.getKey()) + "/payload");
            }
        });
    }

    public static ApiContract get() {
        return INSTANCE;
    }

    /** What is wrong with a REST answer; {@code target} is the request's path with its query. */
    public List<String> checkResponse(String method, String target, int status, String contentType, JsonNode body) {
        String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
        if (!path.startsWith("/api/") && !path.startsWith("/.well-known/")) {
            return List.of();
        }
        Operation operation = operations.stream()
                .filter(o -> o.method().equals(method) && o.path().matcher(path).matches())
                .findFirst().orElse(null);
        String what = method + " " + path + " " + status;
        if (operation == null) {
            // nothing is there, and the server says so: a 404 or 405 for a path or method the API does not have is
            // the documented answer, a Problem like every other refusal
            if ((status == 404 || status == 405) && body != null && body.isObject()) {
                return violations(what + " (no such operation, as a Problem)", OPENAPI, "/components/schemas/Problem",
                        body);
            }
            return List.of(what + ": no such operation in openapi.yaml");
        }
        String mediaType = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        JsonNode response = operation.node().path("responses").path(String.valueOf(status));
        if (response.isMissingNode()) {
            if (mediaType.equals("application/problem+json")) {
                return violations(what + " (undocumented status, as a Problem)", OPENAPI,
                        "/components/schemas/Problem", body);
            }
            return List.of(what + ": status not documented for " + method + " " + operation.template());
        }
        String responsePointer = "/paths/" + escape(operation.template()) + "/" + method.toLowerCase(Locale.ROOT)
                + "/responses/" + status;
        if (response.has("$ref")) {
            responsePointer = response.get("$ref").asString().substring(1);
            response = openApi.at(responsePointer);
        }
        JsonNode content = response.path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            return body == null || body.isNull() || body.isMissingNode() ? List.of()
                    : List.of(what + ": a body where openapi.yaml documents none");
        }
        if (!content.has(mediaType)) {
            return List.of(what + ": content type '" + mediaType + "' not documented (documented: "
                    + String.join(", ", content.propertyNames()) + ")");
        }
        return violations(what, OPENAPI, responsePointer + "/content/" + escape(mediaType) + "/schema", body);
    }

    /** What is wrong with a frame the server sent: it must match a payload documented for its type. */
    public List<String> checkServerFrame(JsonNode frame) {
        String type = frame.path("type").asString("");
        List<String> payloads = framePayloads.get(type);
        if (payloads == null) {
            return List.of("frame type '" + type + "' not in asyncapi.yaml: " + abbreviate(frame));
        }
        List<String> all = new ArrayList<>();
        for (String pointer : payloads) {
            List<String> wrong = violations("frame '" + type + "'", ASYNCAPI, pointer, frame);
            if (wrong.isEmpty()) {
                return List.of();
            }
            all.addAll(wrong);
        }
        return all;
    }

    /** What is wrong with a Kafka record's value: it must match the payload of asyncapi's message {@code message} ({@code MessageEvent}, ...). */
    public List<String> checkEvent(String message, JsonNode value) {
        if (asyncApi.path("components").path("messages").path(message).isMissingNode()) {
            return List.of("event '" + message + "' not in asyncapi.yaml");
        }
        return violations("event '" + message + "'", ASYNCAPI, "/components/messages/" + escape(message) + "/payload", value);
    }

    private List<String> violations(String what, String document, String pointer, JsonNode body) {
        Schema schema = compiled.computeIfAbsent(document + "#" + fragment(pointer),
                location -> schemas.getSchema(SchemaLocation.of(location)));
        List<Error> errors = schema.validate(body);
        return errors.stream().map(error -> what + ": " + error.toString() + " in " + abbreviate(body)).toList();
    }

    private static String abbreviate(JsonNode body) {
        String text = String.valueOf(body);
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    /** A JSON pointer as a URI fragment (RFC 6901, section 6): the braces of path templates percent-encoded. */
    private static String fragment(String pointer) {
        return pointer.replace("{", "%7B").replace("}", "%7D");
    }

    /** A JSON pointer segment (RFC 6901). */
    private static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }

    private static JsonNode read(String resource) {
        try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath (the contracts module)");
            }
            return YAMLMapper.builder().build().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
