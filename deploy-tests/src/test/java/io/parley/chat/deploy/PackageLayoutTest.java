package io.parley.chat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
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
 * One package vocabulary across the services (docs/decisions/0006-package-layout.md): the
 * same role has the same package name everywhere, and a role's package holds that role's
 * code. A service's root package is the domain; below it, a package is a role ({@link #ROLES})
 * or a feature, and below a feature only roles. Checked on the source text, so a class
 * that moves into the wrong package fails here before a reader trips on it.
 */
class PackageLayoutTest {

    private static final Map<String, String> SERVICES = Map.of(
            "auth-service", "io/parley/chat/auth",
            "conversation-service", "io/parley/chat/conversation",
            "message-service", "io/parley/chat/message",
            "presence-service", "io/parley/chat/presence",
            "realtime-edge", "io/parley/chat/edge",
            "gateway-service", "io/parley/chat/gateway");

    /** HTTP controllers, Mongo and Redis access, Kafka, Spring wiring, HTTP clients of other services. */
    private static final Set<String> ROLES = Set.of("api", "persistence", "messaging", "config", "clients");

    /** Where each kind of code may live: the role that names it, or the wiring beside it. */
    private static final List<Placement> PLACEMENTS = List.of(
            new Placement("an HTTP controller", Pattern.compile("@RestController\\b"), Set.of("api")),
            new Placement("a Kafka listener", Pattern.compile("@KafkaListener\\b"), Set.of("messaging")),
            new Placement("a Kafka producer", Pattern.compile("\\bKafkaTemplate<"), Set.of("messaging", "config")),
            new Placement("Mongo access", Pattern.compile("\\bReactiveMongo(Template|Operations)\\b"),
                    Set.of("persistence", "config")),
            new Placement("Redis access", Pattern.compile("\\bReactive(String)?RedisTemplate\\b"),
                    Set.of("persistence", "config")),
            new Placement("configuration properties", Pattern.compile("@ConfigurationProperties\\b(?!Scan)"),
                    Set.of("config")));

    private record Placement(String kind, Pattern marker, Set<String> packages) {
    }

    @Test
    void belowAFeatureThereAreOnlyRolesAndNoNameIsDoubled() {
        List<String> wrong = new ArrayList<>();
        SERVICES.forEach((module, root) -> packages(module, root).forEach(relative -> {
            List<String> segments = List.of(relative.split("/"));
            String service = root.substring(root.lastIndexOf('/') + 1);
            for (int i = 0; i < segments.size(); i++) {
                String segment = segments.get(i);
                String parent = i == 0 ? service : segments.get(i - 1);
                if (segment.equals(parent) || segment.equals(service)) {
                    wrong.add(module + ": " + relative + " repeats the name " + segment);
                }
                if (i > 0 && !ROLES.contains(segment)) {
                    wrong.add(module + ": " + relative + " is below a feature but is not one of " + ROLES);
                }
            }
            if (segments.size() > 2) {
                wrong.add(module + ": " + relative + " is deeper than feature/role");
            }
        }));
        assertThat(wrong).isEmpty();
    }

    @Test
    void eachKindOfCodeLivesInThePackageOfItsRole() {
        List<String> misplaced = new ArrayList<>();
        SERVICES.forEach((module, root) -> sources(module, root).forEach(file -> {
            String code = JavaText.withoutComments(read(file));
            String folder = file.getParent().getFileName().toString();
            for (Placement placement : PLACEMENTS) {
                if (placement.marker().matcher(code).find() && !placement.packages().contains(folder)) {
                    misplaced.add(Repo.ROOT.relativize(file) + " has " + placement.kind() + " outside "
                            + placement.packages());
                }
            }
        }));
        assertThat(misplaced).isEmpty();
    }

    /**
     * A service's packages directly below its root (features and roles, each with what is
     * below it) import each other one way only, so each can be read, and changed, knowing
     * only the ones below it. The root is left out: it is the domain, which the role
     * packages use and which hands them its work. So is {@code config}: every package reads
     * its properties, and its wiring reaches into every package.
     */
    @Test
    void noServiceHasAnImportCycleBetweenItsPackages() {
        List<String> cycles = new ArrayList<>();
        SERVICES.forEach((module, root) -> {
            String base = root.replace('/', '.');
            Map<String, Set<String>> imports = new TreeMap<>();
            for (Path file : sources(module, root)) {
                String from = topPackage(Repo.file(module + "/src/main/java/" + root).relativize(file.getParent()));
                if (from.isEmpty() || from.equals("config")) {
                    continue;
                }
                Matcher imported = Pattern.compile("(?m)^import (?:static )?" + Pattern.quote(base) + "\\.([a-z.]+)\\.[A-Z]")
                        .matcher(read(file));
                while (imported.find()) {
                    String to = imported.group(1).split("\\.")[0];
                    if (!to.equals(from) && !to.equals("config")) {
                        imports.computeIfAbsent(from, key -> new TreeSet<>()).add(to);
                    }
                }
            }
            for (String start : imports.keySet()) {
                List<String> cycle = cycleFrom(start, start, imports, new ArrayList<>(List.of(start)), new HashSet<>());
                if (cycle != null && cycle.get(0).equals(cycle.stream().sorted().findFirst().orElseThrow())) {
                    cycles.add(module + ": " + String.join(" -> ", cycle));
                }
            }
        });
        assertThat(cycles).isEmpty();
    }

    private static List<String> cycleFrom(String start, String at, Map<String, Set<String>> imports, List<String> path,
            Set<String> seen) {
        for (String next : imports.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(start);
                return cycle;
            }
            if (seen.add(next)) {
                path.add(next);
                List<String> found = cycleFrom(start, next, imports, path, seen);
                if (found != null) {
                    return found;
                }
                path.remove(path.size() - 1);
            }
        }
        return null;
    }

    /** The package directly below the root that {@code relative} is in: "" for the root itself. */
    private static String topPackage(Path relative) {
        return relative.toString().isEmpty() ? "" : relative.getName(0).toString();
    }

    @Test
    void theCheckSeesEveryService() {
        SERVICES.forEach((module, root) -> assertThat(sources(module, root))
                .as("%s's sources under %s", module, root).hasSizeGreaterThan(5));
    }

    /** The packages below a service's root, as paths relative to it ("token/persistence"). */
    private static List<String> packages(String module, String root) {
        Path base = Repo.file(module + "/src/main/java/" + root);
        try (Stream<Path> tree = Files.walk(base)) {
            return tree.filter(Files::isDirectory).filter(d -> !d.equals(base))
                    .map(d -> base.relativize(d).toString().replace('\\', '/')).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> sources(String module, String root) {
        try (Stream<Path> tree = Files.walk(Repo.file(module + "/src/main/java/" + root))) {
            return tree.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
