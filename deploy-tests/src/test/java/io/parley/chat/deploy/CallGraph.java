package io.parley.chat.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who calls whom, read from each service's own src/main/resources/application.yaml: every URL
 * among its settings (with the placeholders' defaults, as the local run uses them) whose port is
 * another service's {@code server.port}, and the stores it configures (spring.kafka.bootstrap-servers,
 * spring.data.redis, spring.mongodb.uri). Nothing here is written by hand, so a new call in a
 * service's configuration shows up in the NetworkPolicy test without anyone remembering it.
 */
final class CallGraph {

    static final String KAFKA = "kafka";
    static final String REDIS = "redis";
    static final String MONGO = "mongo";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)(?::([^}]*))?}");
    /** Settings that hold URLs which are not calls: browser origins the service accepts. */
    private static final Pattern NOT_CALLS = Pattern.compile(".*allowed-origins(\\[\\d+])?");
    private static final Pattern URL = Pattern.compile("(?:https?|wss?)://[^/\\s:]+:(\\d+)");

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
