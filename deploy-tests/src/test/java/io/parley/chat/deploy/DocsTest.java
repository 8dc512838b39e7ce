package io.parley.chat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The documentation a clone carries: every link in README and docs/ resolves inside the
 * repository, and docs/protocol.md names everything the OpenAPI and AsyncAPI files
 * describe (operations, frames, error and close codes, topics).
 */
class DocsTest {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final String OPENAPI = "platform/contracts/src/main/resources/api/openapi.yaml";
    private static final String ASYNCAPI = "platform/contracts/src/main/resources/api/asyncapi.yaml";

    @Test
    void everyLinkInTheReadmeAndDocsResolvesInsideTheRepository() {
        List<String> broken = new ArrayList<>();
        for (Path page : pages()) {
            String text = read(page);
            Matcher link = LINK.matcher(text);
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("^(https?|mailto):.*") || target.startsWith("#")) {
                    continue;
                }
                Path resolved = page.getParent().resolve(target.replaceFirst("#.*$", "")).normalize();
                if (!resolved.startsWith(Repo.ROOT) || !Files.exists(resolved)) {
                    broken.add(Repo.ROOT.relativize(page) + " -> " + target);
                }
            }
            assertThat(text).as("%s points outside the repository", page).doesNotContain("../shared");
        }
        assertThat(broken).as("links that do not resolve inside the repository").isEmpty();
        assertThat(pages()).extracting(p -> Repo.ROOT.relativize(p).toString())
                .contains("README.md", "docs/architecture.md", "docs/protocol.md", "docs/decisions/README.md");
    }

    /**
     * A comma inside an unquoted value of a YAML flow mapping ({@code { description: a, b }})
     * ends the value there and makes the rest a key without a value: the description is cut
     * and the schema gains a keyword no validator knows. Quote such values.
     */
    @Test
    void noSchemaOfTheApiFilesHasAValueCutByAComma() {
        for (String file : List.of(OPENAPI, ASYNCAPI)) {
            List<String> cut = new ArrayList<>();
            keysWithoutValues(Repo.yamlDocuments(Repo.read(file)).get(0), "", cut);
            assertThat(cut).as("%s: keys with spaces and no value (a value cut at a comma)", file).isEmpty();
        }
    }

    private static void keysWithoutValues(Object node, String path, List<String> found) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                if (value == null && String.valueOf(key).contains(" ")) {
                    found.add(path + "/" + key);
                }
                keysWithoutValues(value, path + "/" + key, found);
            });
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                keysWithoutValues(list.get(i), path + "/" + i, found);
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theProtocolPageNamesEveryRestOperationOfTheOpenApiFile() {
        String protocol = Repo.read("docs/protocol.md");
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>)
                Repo.yamlDocuments(Repo.read(OPENAPI)).get(0).get("paths");
        List<String> missing = new ArrayList<>();
        paths.forEach((path, operations) -> operations.keySet().stream()
                .filter(method -> List.of("get", "post", "put", "patch", "delete").contains(method))
                .map(method -> method.toUpperCase() + " `" + path + "`")
                .filter(operation -> !protocol.contains(operation))
                .forEach(missing::add));
        assertThat(missing).as("operations of openapi.yaml that docs/protocol.md does not name").isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theProtocolPageNamesEveryFrameErrorCodeTopicAndCloseCodeOfTheAsyncApiFile() {
        String protocol = Repo.read("docs/protocol.md");
        Map<String, Object> asyncapi = Repo.yamlDocuments(Repo.read(ASYNCAPI)).get(0);
        Map<String, Map<String, Object>> messages = (Map<String, Map<String, Object>>)
                ((Map<String, Object>) asyncapi.get("components")).get("messages");
        List<String> missing = new ArrayList<>();
        messages.values().forEach(message -> {
            String name = (String) message.get("name");
            if (!protocol.contains("`" + name + "`")) {
                missing.add("frame or event " + name);
            }
        });
        Map<String, Object> error = (Map<String, Object>) ((Map<String, Object>) messages.get("Error").get("payload"))
                .get("properties");
        for (Object code : (List<Object>) ((Map<String, Object>) error.get("code")).get("enum")) {
            if (!protocol.contains("`" + code + "`")) {
                missing.add("error code " + code);
            }
        }
        ((Map<String, Map<String, Object>>) asyncapi.get("channels")).values().forEach(channel -> {
            if (!protocol.contains("`" + channel.get("address") + "`")) {
                missing.add("channel " + channel.get("address"));
            }
        });
        Matcher close = Pattern.compile("= (\\d{4});").matcher(
                Repo.read("platform/contracts/src/main/java/io/parley/chat/contracts/frames/CloseCodes.java"));
        while (close.find()) {
            if (!protocol.contains("| " + close.group(1) + " |")) {
                missing.add("close code " + close.group(1));
            }
        }
        assertThat(missing).as("what the AsyncAPI file and CloseCodes name but docs/protocol.md does not").isEmpty();
    }

    /**
     * One list of WebSocket error codes: the {@code ErrorCode} enum (as {@code wire()} spells
     * it, with its retryable flag), the AsyncAPI enum of the {@code error} frame and the table
     * of docs/protocol.md name the same codes, the legacy spellings match too, and every code
     * is spelled with hyphens like the REST problem slugs.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theErrorCodesOfTheEnumTheAsyncApiFileAndTheProtocolPageAreTheSame() {
        Map<String, Boolean> enumCodes = new java.util.TreeMap<>();
        Map<String, String> enumLegacy = new java.util.TreeMap<>();
        Matcher constant = Pattern.compile("(?m)^\\s+([A-Z_]+)\\((true|false)\\)[,;]").matcher(JavaText.withoutComments(
                Repo.read("platform/contracts/src/main/java/io/parley/chat/contracts/frames/ErrorCode.java")));
        while (constant.find()) {
            String underscored = constant.group(1).toLowerCase(java.util.Locale.ROOT);
            String code = underscored.replace('_', '-');
            enumCodes.put(code, Boolean.valueOf(constant.group(2)));
            if (!underscored.equals(code)) {
                enumLegacy.put(code, underscored);
            }
        }
        Map<String, Object> error = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Map<String, Object>>)
                ((Map<String, Object>) Repo.yamlDocuments(Repo.read(ASYNCAPI)).get(0).get("components")).get("messages"))
                .get("Error").get("payload")).get("properties");
        List<Object> asyncCodes = (List<Object>) ((Map<String, Object>) error.get("code")).get("enum");
        Map<String, Object> legacy = (Map<String, Object>) error.get("legacyCode");

        String protocol = Repo.read("docs/protocol.md");
        int start = protocol.indexOf("| code | legacyCode");
        assertThat(start).as("docs/protocol.md has the table of error codes").isNotNegative();
        Matcher row = Pattern.compile("(?m)^\\| `([a-z-]+)` \\| (?:`([a-z_]+)`)? ?\\| [^|]+ \\| (yes|no) \\|$")
                .matcher(protocol.substring(start, protocol.indexOf("\n\n", start)));
        Map<String, Boolean> documented = new java.util.TreeMap<>();
        Map<String, String> documentedLegacy = new java.util.TreeMap<>();
        while (row.find()) {
            documented.put(row.group(1), row.group(3).equals("yes"));
            if (row.group(2) != null) {
                documentedLegacy.put(row.group(1), row.group(2));
            }
        }

        assertThat(enumCodes).as("ErrorCode's constants").hasSizeGreaterThan(5);
        assertThat(enumCodes.keySet()).allMatch(code -> code.matches("[a-z]+(-[a-z]+)*"));
        assertThat(asyncCodes).as("the AsyncAPI enum of error codes").containsExactlyInAnyOrderElementsOf(enumCodes.keySet());
        assertThat(documented).as("docs/protocol.md's error codes and whether each is retryable").isEqualTo(enumCodes);
        assertThat(documentedLegacy).as("docs/protocol.md's legacy spellings").isEqualTo(enumLegacy);
        assertThat((List<Object>) legacy.get("enum")).as("the AsyncAPI enum of legacy codes")
                .containsExactlyInAnyOrderElementsOf(enumLegacy.values());
        assertThat(legacy.get("deprecated")).as("legacyCode is deprecated in the AsyncAPI file").isEqualTo(true);
        assertThat(protocol).as("docs/protocol.md lists legacyCode among the deprecations")
                .containsPattern("(?s)## Deprecations.*`legacyCode`");
    }

    private static List<Path> pages() {
        List<Path> pages = new ArrayList<>(List.of(Repo.file("README.md")));
        try (Stream<Path> docs = Files.walk(Repo.file("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pages;
    }

    private static String read(Path page) {
        try {
            return Files.readString(page);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
