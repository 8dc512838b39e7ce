package io.parley.chat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * docs/protocol.md's table of problem types is the list of what the cluster can answer:
 * every slug the sources give a problem (a {@code ChatProblem}, a problem a filter or a
 * Reactor Netty route writes, the fallbacks of {@code ChatProblem.slugFor}) is in it with
 * the status the code answers it with, and it lists no slug the code no longer produces.
 * Read from the source text: a new problem class fails here before a client meets an
 * undocumented type.
 */
class ProblemTypesTest {

    /** Where problems are made: the shared kit and every service. */
    private static final List<String> MODULES = List.of("platform/service-kit", "auth-service", "conversation-service",
            "message-service", "presence-service", "realtime-edge", "gateway-service");

    /** A status constant followed by a slug: {@code super(HttpStatus.NOT_FOUND, "member-not-found", ...)}. */
    private static final Pattern STATED = Pattern.compile("HttpStatus\\.([A-Z_]+),\\s*\"([a-z][a-z0-9-]*)\"");
    /** ChatProblem.slugFor's arms: {@code case 404 -> "not-found";}. */
    private static final Pattern FALLBACK = Pattern.compile("case (\\d{3}) -> \"([a-z][a-z0-9-]*)\"");
    /** ChatProblem.slugFor's last arm: a slug for any other 5xx, another for any other status. */
    private static final Pattern OTHERWISE = Pattern.compile("default -> status >= 500 \\? \"([a-z-]+)\" : \"([a-z-]+)\"");
    private static final Pattern ROW = Pattern.compile("(?m)^\\| `([a-z][a-z0-9-]*)` \\| (\\d{3}|\\dxx) \\|");

    private static final Map<String, String> STATUS = Map.ofEntries(
            Map.entry("BAD_REQUEST", "400"), Map.entry("UNAUTHORIZED", "401"), Map.entry("FORBIDDEN", "403"),
            Map.entry("NOT_FOUND", "404"), Map.entry("CONFLICT", "409"), Map.entry("CONTENT_TOO_LARGE", "413"),
            Map.entry("TOO_MANY_REQUESTS", "429"), Map.entry("INTERNAL_SERVER_ERROR", "500"),
            Map.entry("BAD_GATEWAY", "502"), Map.entry("SERVICE_UNAVAILABLE", "503"), Map.entry("GATEWAY_TIMEOUT", "504"));

    @Test
    void theTableListsEverySlugTheCodeProducesAndNoOther() {
        Set<String> produced = produced().keySet();
        Set<String> documented = documented().keySet();

        Set<String> missing = new TreeSet<>(produced);
        missing.removeAll(documented);
        Set<String> stale = new TreeSet<>(documented);
        stale.removeAll(produced);
        assertThat(missing).as("slugs the code produces that docs/protocol.md's table does not list").isEmpty();
        assertThat(stale).as("slugs docs/protocol.md's table lists that no code produces").isEmpty();
    }

    @Test
    void eachSlugIsDocumentedWithTheStatusTheCodeAnswersItWith() {
        Map<String, String> documented = documented();
        List<String> wrong = new ArrayList<>();
        produced().forEach((slug, statuses) -> {
            String row = documented.get(slug);
            if (row != null && !statuses.isEmpty() && !statuses.contains(row)) {
                wrong.add(slug + " is documented as " + row + " but answered with " + statuses);
            }
        });
        assertThat(wrong).isEmpty();
    }

    @Test
    void theCheckSeesTheProblemsOfEveryModule() {
        assertThat(produced()).as("slugs found in the sources").hasSizeGreaterThan(35)
                .containsKeys("conversation-not-found", "upstream-timeout", "draining", "not-found", "error");
    }

    /** Every slug the sources produce, with the statuses they state for it (none for the catch-all). */
    private static Map<String, Set<String>> produced() {
        Map<String, Set<String>> slugs = new TreeMap<>();
        for (Path file : sources()) {
            String code = JavaText.withoutComments(read(file));
            Matcher stated = STATED.matcher(code);
            while (stated.find()) {
                String status = STATUS.get(stated.group(1));
                assertThat(status).as("the number of HttpStatus.%s in %s (add it to STATUS)", stated.group(1), file)
                        .isNotNull();
                slugs.computeIfAbsent(stated.group(2), key -> new TreeSet<>()).add(status);
            }
            if (file.endsWith("ChatProblem.java")) {
                Matcher fallback = FALLBACK.matcher(code);
                while (fallback.find()) {
                    slugs.computeIfAbsent(fallback.group(2), key -> new TreeSet<>()).add(fallback.group(1));
                }
                Matcher otherwise = OTHERWISE.matcher(code);
                assertThat(otherwise.find()).as("ChatProblem.slugFor's default arm").isTrue();
                slugs.computeIfAbsent(otherwise.group(1), key -> new TreeSet<>());
                slugs.computeIfAbsent(otherwise.group(2), key -> new TreeSet<>());
            }
        }
        return slugs;
    }

    /** The table under "### Problem types": slug to the status column. */
    private static Map<String, String> documented() {
        String protocol = Repo.read("docs/protocol.md");
        int start = protocol.indexOf("### Problem types");
        assertThat(start).as("docs/protocol.md has a 'Problem types' section").isNotNegative();
        int end = protocol.indexOf("\n#", start + 1);
        Matcher row = ROW.matcher(protocol.substring(start, end < 0 ? protocol.length() : end));
        Map<String, String> rows = new TreeMap<>();
        while (row.find()) {
            assertThat(rows.put(row.group(1), row.group(2))).as("%s is listed once", row.group(1)).isNull();
        }
        return rows;
    }

    private static List<Path> sources() {
        List<Path> files = new ArrayList<>();
        for (String module : MODULES) {
            try (Stream<Path> tree = Files.walk(Repo.file(module + "/src/main/java"))) {
                tree.filter(f -> f.toString().endsWith(".java")).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
