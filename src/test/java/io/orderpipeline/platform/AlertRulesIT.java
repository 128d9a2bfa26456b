package io.orderpipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.orderpipeline.PipelineTest;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;

/**
 * Every PromQL expression the project ships asks for metrics and labels the app really exposes:
 * the Prometheus rules (prometheus/rules), the Grafana-provisioned alert rules
 * (grafana/provisioning/alerting) and the Prometheus panels of the Grafana dashboards, each
 * against the running app's /actuator/prometheus. A renamed meter or tag would otherwise leave an
 * alert that can never fire and a panel that stays empty, and nothing would say so. What the
 * alerts do with the numbers is tested by promtool (`make alerts-check`, prometheus/rules/tests).
 *
 * The expressions are read by the small scanner below, not a PromQL parser: the only complete one
 * is Prometheus's own Go code, and no Java PromQL parser is published on Maven Central that this
 * project uses or could vouch for. The scanner needs only the selectors: names not followed by "("
 * (functions and aggregations are), outside strings, range windows and by/on/... clauses, and the
 * label names of their matchers.
 */
@PipelineTest
class AlertRulesIT {

    // Gauges of the pipeline view and the reconciliation get their labels and values on their first
    // refresh, a few seconds after start: the scrape is read again until everything is there.
    static final Duration DEADLINE = Duration.ofSeconds(60);

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    /** One PromQL expression and where it comes from. */
    record Query(String where, String expr) {
    }

    /** A metric selector: its metric name and the label names of its matchers. */
    record Selector(String metric, Set<String> labels) {
    }

    @Autowired
    TestRestTemplate http;

    @Test
    void everyAlertRuleAndPrometheusPanelAsksForMetricsAndLabelsTheAppExposes() throws IOException {
        Set<String> recorded = new TreeSet<>();
        List<Query> rules = prometheusRules(recorded);
        List<Query> grafanaAlerts = grafanaAlertQueries();
        List<Query> panels = prometheusPanels();
        // The sources were found (a moved file must not leave this test checking nothing).
        assertThat(rules).as("rules in prometheus/rules").hasSizeGreaterThanOrEqualTo(8);
        assertThat(recorded).as("thresholds recorded in prometheus/rules").isNotEmpty();
        assertThat(grafanaAlerts).as("Prometheus queries in grafana/provisioning/alerting").hasSizeGreaterThanOrEqualTo(8);
        assertThat(panels).as("Prometheus panel queries in grafana/provisioning/dashboards").isNotEmpty();
        List<Query> queries = Stream.of(rules, grafanaAlerts, panels).flatMap(List::stream).toList();

        await().atMost(DEADLINE).untilAsserted(() -> {
            Map<String, Set<String>> scrape = scrape(http.getForObject("/actuator/prometheus", String.class));
            SoftAssertions softly = new SoftAssertions();
            for (Query query : queries) {
                Set<String> grouping = new TreeSet<>();
                Set<String> labelsOfItsMetrics = new TreeSet<>();
                for (Selector s : selectors(query.expr(), grouping)) {
                    if (s.metric().contains(":")) {
                        // A recording rule's name (Prometheus's level:metric:operation convention): ours, not the app's.
                        softly.assertThat(recorded).as("%s: recording rule %s", query.where(), s.metric()).contains(s.metric());
                        continue;
                    }
                    // Sample names as scraped: a timer's _bucket/_count/_sum/_max, a counter's _total.
                    softly.assertThat(scrape).as("%s: metric %s is on /actuator/prometheus", query.where(), s.metric())
                            .containsKey(s.metric());
                    Set<String> labels = scrape.getOrDefault(s.metric(), Set.of());
                    labelsOfItsMetrics.addAll(labels);
                    for (String label : s.labels()) {
                        if (!label.equals("le")) {
                            softly.assertThat(labels).as("%s: label %s of %s", query.where(), label, s.metric()).contains(label);
                        }
                    }
                }
                // by (...), on (...) and the like name labels of the expression's metrics too.
                if (!labelsOfItsMetrics.isEmpty()) {
                    softly.assertThat(labelsOfItsMetrics).as("%s: grouping labels of %s", query.where(), query.expr())
                            .containsAll(grouping);
                }
            }
            softly.assertAll();
        });
    }

    /**
     * Grafana's copies of the alerts are PromQL that only a running Grafana would parse: promtool
     * checks them here, each as a recording rule of a scratch rules file (alerts-check checks the
     * Prometheus rules themselves).
     */
    @Test
    void everyGrafanaAlertQueryIsPromQLThatPromtoolAccepts() throws Exception {
        List<Query> grafanaAlerts = grafanaAlertQueries();
        List<Map<String, String>> rules = new ArrayList<>();
        for (int i = 0; i < grafanaAlerts.size(); i++) {
            rules.add(Map.of("record", "grafana:alert_query:" + i, "expr", grafanaAlerts.get(i).expr()));
        }
        Path file = LocalStack.projectFile("target").resolve("grafana-alert-queries.rules.yml");
        YAML.writeValue(file.toFile(), Map.of("groups", List.of(Map.of("name", "grafana-alert-queries", "rules", rules))));

        // Its output to a file, read once it has ended: reading the pipe would wait without a deadline.
        Path log = file.resolveSibling("grafana-alert-queries.promtool.txt");
        Process promtool = new ProcessBuilder(LocalStack.projectFile("scripts/prometheus/promtool.sh").toString(),
                "check", "rules", file.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = promtool.waitFor(2, TimeUnit.MINUTES);
        if (!finished) {
            promtool.destroyForcibly();
        }
        assertThat(finished).as("promtool finished within 2 minutes").isTrue();
        String output = Files.readString(log);

        assertThat(promtool.exitValue()).as("promtool check rules on Grafana's alert queries:%n%s", output).isZero();
        assertThat(output).contains("SUCCESS: " + grafanaAlerts.size() + " rules found");
    }

    @Test
    void theScannerFindsSelectorsAndOnlySelectors() {
        Set<String> grouping = new TreeSet<>();
        List<Selector> found = selectors("""
                histogram_quantile(0.99, sum by (application, le) (rate(a_seconds_bucket{le!="+Inf", x=~"1,2}"}[5m])))
                  > bool scalar(p:threshold:x or vector(1e3)) and on() group_left() b_total offset 5m
                  unless absent(c{y="z"}) * sum(rate(d{routeId="e"}[$__rate_interval]))""", grouping);

        assertThat(found).containsExactly(new Selector("a_seconds_bucket", Set.of("le", "x")),
                new Selector("p:threshold:x", Set.of()), new Selector("b_total", Set.of()),
                new Selector("c", Set.of("y")), new Selector("d", Set.of("routeId")));
        assertThat(grouping).containsExactlyInAnyOrder("application", "le");
    }

    // ---- The expressions ----------------------------------------------------------------------

    /** The alert and recording rules of prometheus/rules/*.yml; the recording rules' names go to {@code recorded}. */
    static List<Query> prometheusRules(Set<String> recorded) throws IOException {
        List<Query> queries = new ArrayList<>();
        for (Path file : files("prometheus/rules", ".yml")) {
            for (JsonNode group : YAML.readTree(file.toFile()).path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    if (rule.has("record")) {
                        recorded.add(rule.get("record").asText());
                    }
                    String name = rule.has("record") ? rule.path("record").asText() : rule.path("alert").asText();
                    queries.add(new Query("prometheus/rules/" + file.getFileName() + " " + name, rule.path("expr").asText()));
                }
            }
        }
        return queries;
    }

    /** The Prometheus queries of the alert rules Grafana provisions. */
    static List<Query> grafanaAlertQueries() throws IOException {
        List<Query> queries = new ArrayList<>();
        for (Path file : files("grafana/provisioning/alerting", ".yml")) {
            for (JsonNode group : YAML.readTree(file.toFile()).path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    for (JsonNode data : rule.path("data")) {
                        if (data.path("datasourceUid").asText().equals("prometheus")) {
                            queries.add(new Query("grafana alerting/" + file.getFileName() + " " + rule.path("title").asText() + " "
                                    + data.path("refId").asText(), data.path("model").path("expr").asText()));
                        }
                    }
                }
            }
        }
        return queries;
    }

    /** The queries of the dashboards' panels on the Prometheus data source (rows' panels included). */
    static List<Query> prometheusPanels() throws IOException {
        List<Query> queries = new ArrayList<>();
        for (Path file : files("grafana/provisioning/dashboards", ".json")) {
            List<JsonNode> panels = new ArrayList<>();
            JSON.readTree(file.toFile()).path("panels").forEach(p -> {
                panels.add(p);
                p.path("panels").forEach(panels::add);
            });
            for (JsonNode panel : panels) {
                for (JsonNode target : panel.path("targets")) {
                    JsonNode datasource = target.has("datasource") ? target.get("datasource") : panel.path("datasource");
                    if (datasource.path("uid").asText().equals("prometheus")) {
                        queries.add(new Query("grafana dashboard " + file.getFileName() + " panel " + panel.path("id").asInt() + " "
                                + target.path("refId").asText(), target.path("expr").asText()));
                    }
                }
            }
        }
        return queries;
    }

    static List<Path> files(String dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(LocalStack.projectFile(dir))) {
            return files.filter(f -> f.toString().endsWith(suffix)).sorted().toList();
        }
    }

    // ---- The scanner ------------------------------------------------------------------------------

    static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan");
    static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    // Range and subquery windows: [5m], [$__rate_interval], [10m:1m].
    static final Pattern WINDOW = Pattern.compile("\\[[^\\]]*\\]");

    /** The selectors of a PromQL expression, in order; the labels of its by/on/... clauses go to {@code grouping}. */
    static List<Selector> selectors(String expr, Set<String> grouping) {
        String e = WINDOW.matcher(expr).replaceAll(" ");
        Matcher clause = GROUPING.matcher(e);
        StringBuilder rest = new StringBuilder();
        while (clause.find()) {
            for (String label : clause.group(2).split(",")) {
                if (!label.isBlank()) {
                    grouping.add(label.trim());
                }
            }
            clause.appendReplacement(rest, " ");
        }
        clause.appendTail(rest);
        e = rest.toString();

        List<Selector> found = new ArrayList<>();
        int i = 0;
        while (i < e.length()) {
            char c = e.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = endOfString(e, i);
            } else if (isNameStart(c) && (i == 0 || !isNamePart(e.charAt(i - 1)) && e.charAt(i - 1) != '$')) {
                int end = i;
                while (end < e.length() && isNamePart(e.charAt(end))) {
                    end++;
                }
                String name = e.substring(i, end);
                int next = skipSpaces(e, end);
                boolean call = next < e.length() && e.charAt(next) == '(';
                if (call || KEYWORDS.contains(name.toLowerCase())) {
                    i = end;
                    continue;
                }
                Set<String> labels = new TreeSet<>();
                if (next < e.length() && e.charAt(next) == '{') {
                    end = matchers(e, next, labels);
                }
                found.add(new Selector(name, labels));
                i = end;
            } else {
                i++;
            }
        }
        return found;
    }

    /** Reads {name op "value", ...} from {@code open}; returns the index after the closing brace. */
    static int matchers(String e, int open, Set<String> labels) {
        int i = open + 1;
        while (i < e.length()) {
            char c = e.charAt(i);
            if (c == '}') {
                return i + 1;
            } else if (c == '"' || c == '\'' || c == '`') {
                i = endOfString(e, i);
            } else if (isNameStart(c)) {
                int end = i;
                while (end < e.length() && isNamePart(e.charAt(end))) {
                    end++;
                }
                labels.add(e.substring(i, end));
                i = end;
            } else {
                i++;
            }
        }
        throw new IllegalArgumentException("unclosed label matchers in " + e);
    }

    static int endOfString(String e, int open) {
        char quote = e.charAt(open);
        for (int i = open + 1; i < e.length(); i++) {
            if (e.charAt(i) == '\\' && quote != '`') {
                i++;
            } else if (e.charAt(i) == quote) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("unclosed string in " + e);
    }

    static int skipSpaces(String e, int i) {
        while (i < e.length() && Character.isWhitespace(e.charAt(i))) {
            i++;
        }
        return i;
    }

    static boolean isNameStart(char c) {
        return Character.isLetter(c) || c == '_' || c == ':';
    }

    static boolean isNamePart(char c) {
        return isNameStart(c) || Character.isDigit(c);
    }

    // ---- The scrape -------------------------------------------------------------------------------

    /** Sample name → the label names seen on its samples, from the Prometheus text format. */
    static Map<String, Set<String>> scrape(String body) {
        Map<String, Set<String>> metrics = new HashMap<>();
        for (String line : body.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && isNamePart(line.charAt(end))) {
                end++;
            }
            Set<String> labels = metrics.computeIfAbsent(line.substring(0, end), n -> new TreeSet<>());
            if (end < line.length() && line.charAt(end) == '{') {
                matchers(line, end, labels);
            }
        }
        return metrics;
    }
}
