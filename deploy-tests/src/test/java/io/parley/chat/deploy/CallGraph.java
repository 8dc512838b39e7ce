package io.parley.chat.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Who calls whom, read from each service's own src/main/resources/application.yaml: every URL
 * among its settings (with the placeholders' defaults, as the local run uses them) whose port is
 * another service's {@code server.port}, and the stores it configures (spring.kafka.bootstrap-servers,
 * spring.data.redis, spring.mongodb.uri). Nothing here is written by hand, so a new call in a
 * service's configuration shows up in the NetworkPolicy test without anyone remembering it.
 *
 * <p>What a service does with Kafka and Redis is read from its code ({@link #kafka}, {@link
 * #redis}) and from the service-kit components its configuration switches on, for the tests of
 * the stores' ACLs: which topics it sends to, consumes and declares, its consumer groups, the
 * Redis key prefixes it writes and the commands it sends.
 */
final class CallGraph {

    static final String KAFKA = "kafka";
    static final String REDIS = "redis";
    static final String MONGO = "mongo";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)(?::([^}]*))?}");
    /** Settings that hold URLs which are not calls: browser origins the service accepts. */
    private static final Pattern NOT_CALLS = Pattern.compile(".*allowed-origins(\\[\\d+])?");
    private static final Pattern URL = Pattern.compile("(?:https?|wss?)://[^/\\s:]+:(\\d+)");

    private static final String SERVICE_KIT = "platform/service-kit";
    private static final String TOPICS = "platform/contracts/src/main/java/io/parley/chat/contracts/events/Topics.java";

    /** Service name -> its settings, flattened to dotted keys, placeholders resolved. */
    private final Map<String, Map<String, String>> settings = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();

    CallGraph(List<String> services) {
        for (String service : services) {
            Map<String, String> flat = new LinkedHashMap<>();
            for (Map<String, Object> document : Repo.yamlDocuments(Repo.read(service + "/src/main/resources/application.yaml"))) {
                flatten("", document, flat);
            }
            flat.replaceAll((key, value) -> resolve(value, flat, 0));
            settings.put(service, flat);
            String port = flat.get("server.port");
            if (port == null) {
                throw new AssertionError(service + ": application.yaml sets no server.port");
            }
            ports.put(service, Integer.valueOf(port));
        }
        if (Set.copyOf(ports.values()).size() != ports.size()) {
            throw new AssertionError("two services share a server.port: " + ports);
        }
    }

    /** Its server.port (the placeholder's default). */
    int port(String service) {
        return ports.get(service);
    }

    /** The services (and stores) this one calls, self included when it calls its own Service. */
    Set<String> callees(String service) {
        Map<String, String> flat = settings.get(service);
        Set<String> callees = new TreeSet<>();
        for (Map.Entry<String, String> setting : flat.entrySet()) {
            if (NOT_CALLS.matcher(setting.getKey()).matches()) {
                continue;
            }
            Matcher url = URL.matcher(setting.getValue());
            while (url.find()) {
                int port = Integer.parseInt(url.group(1));
                ports.forEach((callee, calleePort) -> {
                    if (calleePort == port) {
                        callees.add(callee);
                    }
                });
            }
        }
        if (flat.containsKey("spring.kafka.bootstrap-servers")) {
            callees.add(KAFKA);
        }
        if (flat.keySet().stream().anyMatch(k -> k.equals("spring.data.redis.host"))) {
            callees.add(REDIS);
        }
        if (flat.containsKey("spring.mongodb.uri")) {
            callees.add(MONGO);
        }
        return callees;
    }

    /** The port of a store as this service's configuration names it. */
    int storePort(String service, String store) {
        Map<String, String> flat = settings.get(service);
        String value = switch (store) {
            case KAFKA -> flat.get("spring.kafka.bootstrap-servers").split(",")[0];
            case REDIS -> "x:" + flat.getOrDefault("spring.data.redis.port", "6379");
            case MONGO -> flat.get("spring.mongodb.uri").replaceFirst("^mongodb://", "").split("[/?,]")[0];
            default -> throw new IllegalArgumentException(store);
        };
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            throw new AssertionError(service + ": no port in its " + store + " setting " + value);
        }
        return Integer.parseInt(value.substring(colon + 1));
    }

    /** The database its spring.mongodb.database names, or null. */
    String mongoDatabase(String service) {
        return settings.get(service).get("spring.mongodb.database");
    }

    /**
     * What a service does with Kafka, by topic name: what it sends to, consumes and declares (a
     * NewTopic bean), and the group ids of its consumers ({@code ${spring.application.name}}
     * resolved). {@code unclassified} lists the references to a topic constant that are none of
     * these (file:line), so that a new way of using a topic fails the tests instead of going unseen.
     */
    record KafkaUse(Set<String> produces, Set<String> consumes, Set<String> declares, Set<String> groups,
            List<String> unclassified) {

        boolean any() {
            return !produces.isEmpty() || !consumes.isEmpty() || !declares.isEmpty();
        }
    }

    private static final Pattern TOPIC_CONSTANT = Pattern.compile("static final String (\\w+) = \"([^\"]+)\"");
    private static final Pattern TOPIC_REFERENCE = Pattern.compile("\\bTopics\\.(\\w+)");
    private static final Pattern SEND = Pattern.compile("(?:\\.send\\(|new ProducerRecord<[^>]*>\\()\\s*Topics\\.(\\w+)");
    private static final Pattern DECLARE = Pattern.compile("(?:\\.topic|TopicBuilder\\.name)\\(\\s*Topics\\.(\\w+)\\s*\\)");
    /** Consumption outside a listener annotation: manual assignment names partitions or asks for them. */
    private static final Pattern ASSIGN = Pattern.compile("(?:new TopicPartition\\(|\\.partitionsFor\\()\\s*Topics\\.(\\w+)");
    private static final Pattern GROUP_ID = Pattern.compile("(?:groupId\\s*=|GROUP_ID_CONFIG\\s*,)\\s*\"([^\"]*)\"");
    private static final Pattern CONDITIONAL_ON_PROPERTY = Pattern.compile(
            "@ConditionalOnProperty\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"\\s*,\\s*name\\s*=\\s*\"([^\"]+)\"");

    KafkaUse kafka(String service) {
        Map<String, String> topics = new TreeMap<>();
        Matcher constant = TOPIC_CONSTANT.matcher(Repo.read(TOPICS));
        while (constant.find()) {
            topics.put(constant.group(1), constant.group(2));
        }
        Set<String> produces = new TreeSet<>();
        Set<String> consumes = new TreeSet<>();
        Set<String> declares = new TreeSet<>();
        Set<String> groups = new TreeSet<>();
        List<String> unclassified = new ArrayList<>();
        for (Path file : sources(service)) {
            String code = JavaText.withoutComments(Repo.read(Repo.ROOT.relativize(file).toString()));
            Set<String> classified = new TreeSet<>();
            collect(SEND.matcher(code), topics, produces, classified);
            collect(DECLARE.matcher(code), topics, declares, classified);
            collect(ASSIGN.matcher(code), topics, consumes, classified);
            for (String listener : JavaText.annotations(code, "KafkaListener")) {
                collect(TOPIC_REFERENCE.matcher(listener), topics, consumes, classified);
            }
            Matcher group = GROUP_ID.matcher(code);
            while (group.find()) {
                groups.add(group.group(1).replace("${spring.application.name}", service));
            }
            Matcher reference = TOPIC_REFERENCE.matcher(code);
            while (reference.find()) {
                if (!classified.contains(reference.group(1))) {
                    unclassified.add(Repo.ROOT.relativize(file) + ":" + JavaText.line(code, reference.start()) + " Topics."
                            + reference.group(1));
                }
            }
        }
        return new KafkaUse(produces, consumes, declares, groups, unclassified);
    }

    private static void collect(Matcher matcher, Map<String, String> topics, Set<String> into, Set<String> classified) {
        while (matcher.find()) {
            String name = topics.get(matcher.group(1));
            if (name == null) {
                throw new AssertionError("Topics." + matcher.group(1) + " is not a constant of " + TOPICS);
            }
            into.add(name);
            classified.add(matcher.group(1));
        }
    }

    /**
     * What a service does with Redis, read from the files that use Spring Data Redis: the key
     * prefixes of its string literals (Java and Lua), as ACL key patterns ({@code ~gateway:rate:*}),
     * and the commands it sends: those of its Lua scripts, EVALSHA and EVAL to run them, the command
     * behind each RedisTemplate operation, PING (the client's handshake) and INFO when Boot's Redis
     * health indicator is on.
     */
    record RedisUse(Set<String> keyPatterns, Set<String> commands) {
    }

    private static final Pattern KEY_PREFIX = Pattern.compile("[\"']([a-z][a-z0-9-]*:(?:[a-z0-9-]*:)*)");
    private static final Pattern LUA_CALL = Pattern.compile("redis\\.call\\(\\s*'(\\w+)'");
    private static final Pattern SCRIPT_RUN = Pattern.compile("\\.execute\\(\\s*[A-Z][A-Z0-9_]*\\s*,");
    private static final Pattern TEMPLATE_OPERATION = Pattern.compile("\\.opsFor(\\w+)\\(\\)\\s*\\.(\\w+)\\(");
    /** The command behind each RedisTemplate operation the services use; a new one fails until it is added here. */
    private static final Map<String, String> TEMPLATE_COMMANDS = Map.ofEntries(
            Map.entry("Value.get", "get"), Map.entry("Value.set", "set"), Map.entry("Value.setIfAbsent", "set"),
            Map.entry("Set.add", "sadd"), Map.entry("Set.members", "smembers"), Map.entry("Set.remove", "srem"),
            Map.entry("Set.size", "scard"), Map.entry("ZSet.add", "zadd"), Map.entry("ZSet.size", "zcard"),
            Map.entry("ZSet.remove", "zrem"), Map.entry("ZSet.score", "zscore"), Map.entry("Hash.get", "hget"),
            Map.entry("Hash.put", "hset"));

    RedisUse redis(String service) {
        Set<String> prefixes = new TreeSet<>();
        Set<String> commands = new TreeSet<>();
        for (Path file : sources(service)) {
            String code = JavaText.withoutComments(Repo.read(Repo.ROOT.relativize(file).toString()));
            if (!code.contains("import org.springframework.data.redis.")) {
                continue;
            }
            Matcher prefix = KEY_PREFIX.matcher(code);
            while (prefix.find()) {
                prefixes.add(prefix.group(1));
            }
            Matcher lua = LUA_CALL.matcher(code);
            while (lua.find()) {
                commands.add(lua.group(1).toLowerCase(Locale.ROOT));
            }
            if (SCRIPT_RUN.matcher(code).find()) {
                commands.addAll(List.of("evalsha", "eval"));
            }
            Matcher operation = TEMPLATE_OPERATION.matcher(code);
            while (operation.find()) {
                String op = operation.group(1) + "." + operation.group(2);
                String command = TEMPLATE_COMMANDS.get(op);
                if (command == null) {
                    throw new AssertionError(service + ": RedisTemplate opsFor" + operation.group(1) + "()." + operation.group(2)
                            + " has no command in CallGraph.TEMPLATE_COMMANDS: add it, and to the service's Redis ACL");
                }
                commands.add(command);
            }
        }
        if (prefixes.isEmpty() && commands.isEmpty()) {
            return new RedisUse(Set.of(), Set.of());
        }
        commands.add("ping");
        if (!"false".equals(settings.get(service).get("management.health.redis.enabled"))) {
            commands.add("info");
        }
        Set<String> patterns = new TreeSet<>();
        for (String p : prefixes) {
            if (prefixes.stream().noneMatch(other -> !other.equals(p) && p.startsWith(other))) {
                patterns.add("~" + p + "*");
            }
        }
        return new RedisUse(patterns, commands);
    }

    /**
     * The service's own main sources, and those of the service-kit components its configuration
     * switches on: a kit class with Kafka or Redis use counts when the auto-configuration that
     * creates it has no {@code @ConditionalOnProperty}, or the service sets that property.
     */
    private List<Path> sources(String service) {
        List<Path> files = new ArrayList<>(javaFiles(service + "/src/main/java"));
        List<Path> kit = javaFiles(SERVICE_KIT + "/src/main/java");
        for (Path file : kit) {
            String code = JavaText.withoutComments(Repo.read(Repo.ROOT.relativize(file).toString()));
            boolean usesStores = TOPIC_REFERENCE.matcher(code).find() || code.contains("import org.springframework.data.redis.");
            if (!usesStores || code.contains("class TopicReplication")) {
                continue; // TopicReplication builds the topics the service declares; it names none itself
            }
            String className = file.getFileName().toString().replace(".java", "");
            Path creator = kit.stream()
                    .filter(other -> Repo.read(Repo.ROOT.relativize(other).toString()).contains("new " + className + "("))
                    .findFirst().orElseThrow(() -> new AssertionError(SERVICE_KIT + ": nothing creates " + className
                            + ", so CallGraph cannot tell which services run it"));
            Matcher condition = CONDITIONAL_ON_PROPERTY.matcher(Repo.read(Repo.ROOT.relativize(creator).toString()));
            if (!condition.find() || settings.get(service).containsKey(condition.group(1) + "." + condition.group(2))) {
                files.add(file);
            }
        }
        return files;
    }

    private static List<Path> javaFiles(String directory) {
        try (Stream<Path> walk = Files.walk(Repo.file(directory))) {
            return walk.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Object value, Map<String, String> into) {
        if (value instanceof Map<?, ?> map) {
            ((Map<Object, Object>) map).forEach((k, v) -> {
                String key = String.valueOf(k).replaceAll("^\\[(.*)]$", "$1");
                flatten(prefix.isEmpty() ? key : prefix + "." + key, v, into);
            });
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                flatten(prefix + "[" + i + "]", list.get(i), into);
            }
        } else if (value != null) {
            into.put(prefix, String.valueOf(value));
        }
    }

    /** ${ENV:default} is its default; ${some.key} is that key of the same file. */
    private static String resolve(String value, Map<String, String> flat, int depth) {
        if (depth > 10) {
            throw new AssertionError("placeholders nest too deep: " + value);
        }
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = m.group(2) != null ? m.group(2) : flat.get(m.group(1));
            if (replacement == null) {
                throw new AssertionError("${" + m.group(1) + "} has no default and names no setting of the same file");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(resolve(replacement, flat, depth + 1)));
        }
        m.appendTail(out);
        return out.toString();
    }
}
