package io.parley.chat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Every PromQL expression parses, checked by Prometheus's own promtool: the alert rules as
 * they are (the PrometheusRule's spec is a rule file), and the dashboard's queries turned into
 * recording rules. Every alert has its runbook entry.
 */
class PromqlTest {

    private static final Path WORK = Path.of("target", "promql");
    private static String promtool;

    @BeforeAll
    static void tools() throws IOException {
        promtool = Repo.onPath("promtool");
        if (promtool == null) {
            throw new IllegalStateException("promtool is not on the PATH: `apt-get install prometheus` (what .ci/run does)");
        }
        Files.createDirectories(WORK);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> ruleSpec() {
        Map<String, Object> rule = Repo.yamlDocuments(Repo.read("deploy/prometheus/rules/chat-alerts.yaml")).get(0);
        assertThat(rule.get("kind")).isEqualTo("PrometheusRule");
        return (Map<String, Object>) rule.get("spec");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> alerts() {
        List<Map<String, Object>> alerts = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) ruleSpec().get("groups")) {
            alerts.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        return alerts;
    }

    /** Grafana's interval variables are not PromQL: replaced by what Grafana would put there. */
    static List<String> dashboardExpressions() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Repo.file("deploy/grafana/dashboards/parley-chat.json").toFile());
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                expressions.add(target.path("expr").asText()
                        .replace("$__rate_interval", "1m").replace("$__interval", "1m").replace("$__range", "1h"));
            }
        }
        return expressions;
    }

    private static String check(Path file) {
        Repo.Result result = Repo.run(List.of(promtool, "check", "rules", file.toAbsolutePath().toString()));
        assertThat(result.exitCode()).as(result.output()).isZero();
        return result.output();
    }

    private static Path write(String name, Object content) throws IOException {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Path file = WORK.resolve(name);
        Files.writeString(file, new Yaml(options).dump(content));
        return file;
    }

    @Test
    void alertRulesPassPromtool() throws IOException {
        String output = check(write("chat-alerts.yml", ruleSpec()));
        assertThat(output).contains("SUCCESS: " + alerts().size() + " rules found");
    }

    @Test
    void dashboardQueriesParse() throws IOException {
        List<String> expressions = dashboardExpressions();
        assertThat(expressions).hasSizeGreaterThan(10);
        List<Map<String, Object>> rules = new ArrayList<>();
        for (int i = 0; i < expressions.size(); i++) {
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("record", "dashboard:query_" + i);
            rule.put("expr", expressions.get(i));
            rules.add(rule);
        }
        String output = check(write("dashboard-queries.yml",
                Map.of("groups", List.of(Map.of("name", "dashboard", "rules", rules)))));
        assertThat(output).contains("SUCCESS: " + expressions.size() + " rules found");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAlertHasASeverityAndARunbookEntry() {
        String operations = Repo.read("docs/operations.md");
        for (Map<String, Object> alert : alerts()) {
            String name = (String) alert.get("alert");
            assertThat(((Map<String, Object>) alert.get("labels")).get("severity")).as(name).isIn("warning", "critical");
            assertThat(operations).as("runbook heading for " + name).contains("### " + name + "\n");
            // relative to the repository (the docs of the version deployed), not to an address that may not exist
            assertThat(String.valueOf(((Map<String, Object>) alert.get("annotations")).get("runbook_url")))
                    .as(name).isEqualTo("docs/operations.md#" + name.toLowerCase());
        }
    }
}
