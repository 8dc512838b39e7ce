package io.parley.chat.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import io.parley.chat.cluster.LocalCluster;
import io.parley.chat.testkit.ChatSocket;
import io.parley.chat.testkit.ChatSocket.Auth;
import tools.jackson.databind.JsonNode;

/**
 * The observability contract: every metric the alert rules and the Grafana dashboard in
 * deploy/ refer to is exposed by the running services, after a little real traffic (some
 * meters only appear once used). A renamed or removed metric fails here, not silently in a
 * dashboard that shows "no data" or an alert that can never fire.
 */
class MetricsContractIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Names that are not scraped from a service: {@code up} is Prometheus's own series per target. */
    private static final Set<String> NOT_FROM_SERVICES = Set.of("up");

    private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "and", "or", "unless", "offset", "bool", "inf", "nan", "le");

    @Test
    void everyMetricTheAlertsAndTheDashboardUseIsExposed() throws Exception {
        Path root = Path.of(System.getProperty("parley.root", "..")).toAbsolutePath().normalize();
        List<String> expressions = new ArrayList<>(alertExpressions(root));
        expressions.addAll(dashboardExpressions(root));
        assertThat(expressions).hasSizeGreaterThan(20);
        Map<String, Set<String>> required = requiredMetrics(expressions);
        assertThat(required).containsKeys("chat_delivery_latency_seconds_bucket", "chat_outbox_unpublished");

        LocalCluster cluster = TestCluster.get();
        produceTraffic(cluster);

        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(missing(cluster, required)).isEmpty());
    }

    /** Registers, logs in, creates a conversation, sends over REST and over a WebSocket, and sends one bad frame. */
    private static void produceTraffic(LocalCluster cluster) throws Exception {
        Api api = new Api(cluster.gatewayUrl());
        Api.User alice = api.newUser("alice");
        String conversation = api.createGroup(alice, List.of());
        Api.expect(api.call("POST", "/api/v1/conversations/" + conversation + "/messages", alice.token(),
                Map.of("clientMsgId", UUID.randomUUID().toString(), "body", "over REST")), 201);
        try (ChatSocket socket = ChatSocket.connect(cluster.gatewayWebSocketUrl(), alice.token(), Auth.HEADER)) {
            socket.awaitOpen(WAIT);
            socket.send(Map.of("type", "subscribe", "id", "s1", "conversationId", conversation, "afterSeq", 0));
            socket.await(frame -> "subscribed".equals(frame.path("type").asString()), WAIT);
            socket.send(Map.of("type", "send", "id", "m1", "conversationId", conversation,
                    "clientMsgId", UUID.randomUUID().toString(), "body", "over the socket"));
            socket.await(frame -> "ack".equals(frame.path("type").asString()), WAIT);
            // delivered live (not replayed): the delivery-latency histogram records it
            socket.await(frame -> "message".equals(frame.path("type").asString())
                    && frame.path("seq").asLong() == 2, WAIT);
            socket.send("{not json");
            socket.await(frame -> "error".equals(frame.path("type").asString()), WAIT);
        }
    }

    /** Required metric -> the services that must expose it (empty: any service). */
    private static Map<String, Set<String>> missing(LocalCluster cluster, Map<String, Set<String>> required)
            throws Exception {
        Map<String, Set<String>> exposedBy = new HashMap<>();
        for (String service : LocalCluster.SERVICES) {
            for (String name : Metrics.names(Metrics.scrape(cluster, service))) {
                exposedBy.computeIfAbsent(name, n -> new HashSet<>()).add(service);
            }
        }
        Map<String, Set<String>> missing = new LinkedHashMap<>();
        required.forEach((name, services) -> {
            Set<String> exposers = exposedBy.getOrDefault(name, Set.of());
            if (exposers.isEmpty() || !exposers.containsAll(services)) {
                Set<String> lacking = new TreeSet<>(services);
                lacking.removeAll(exposers);
                missing.put(name, exposers.isEmpty() && services.isEmpty() ? Set.of("<any service>") : lacking);
            }
        });
        return missing;
    }

    @SuppressWarnings("unchecked")
    private static List<String> alertExpressions(Path root) throws IOException {
        Map<String, Object> rule = new Yaml().load(Files.readString(root.resolve("deploy/prometheus/rules/chat-alerts.yaml")));
        List<String> expressions = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) ((Map<String, Object>) rule.get("spec")).get("groups")) {
            for (Map<String, Object> r : (List<Map<String, Object>>) group.get("rules")) {
                expressions.add(String.valueOf(r.get("expr")));
            }
        }
        return expressions;
    }

    private static List<String> dashboardExpressions(Path root) throws IOException {
        JsonNode dashboard = Api.JSON.readTree(Files.readString(root.resolve("deploy/grafana/dashboards/parley-chat.json")));
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                expressions.add(target.path("expr").asString());
            }
        }
        return expressions;
    }

    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}");
    private static final Pattern APPLICATION = Pattern.compile("application\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(?!\\w)(\\s*\\()?");

    /**
     * Metric names in PromQL, without a full parser: label matchers, range selectors,
     * grouping clauses and strings are removed, then every identifier that is not a function
     * call or a keyword is a metric. A selector with {@code application="x"} also requires
     * that service x exposes it.
     */
    static Map<String, Set<String>> requiredMetrics(List<String> expressions) {
        Map<String, Set<String>> required = new LinkedHashMap<>();
        for (String expression : expressions) {
            Matcher selector = SELECTOR.matcher(expression);
            while (selector.find()) {
                Matcher application = APPLICATION.matcher(selector.group(2));
                if (application.find() && !NOT_FROM_SERVICES.contains(selector.group(1))) {
                    required.computeIfAbsent(selector.group(1), n -> new TreeSet<>()).add(application.group(1));
                }
            }
            String stripped = expression.replaceAll("\\$__\\w+", "1m")
                    .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "")
                    .replaceAll("\\{[^}]*}", "")
                    .replaceAll("\\[[^]]*]", "")
                    .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
            Matcher identifier = IDENTIFIER.matcher(stripped);
            while (identifier.find()) {
                String name = identifier.group(1);
                boolean call = identifier.group(2) != null;
                if (!call && !PROMQL_WORDS.contains(name) && !NOT_FROM_SERVICES.contains(name)) {
                    required.computeIfAbsent(name, n -> new TreeSet<>());
                }
            }
        }
        return required;
    }
}
