package io.orderpipeline.chaos;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.orderpipeline.analytics.Reconciliation;
import io.orderpipeline.harness.AppProcess;
import io.orderpipeline.harness.Services;
import io.orderpipeline.load.LoadGenerator;
import io.orderpipeline.order.HostileInputs;
import io.orderpipeline.platform.LocalStack;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * `make chaos`: traffic through the packaged app while one fault at a time hits it, each scenario
 * ending with the pipeline drained, an exact reconciliation of MySQL against ClickHouse, every
 * acknowledged order stored, no event counted twice and no outbox row pending or failed without a
 * reason. scripts/chaos/chaos.sh gives it a stack of its own; the services are stopped and started
 * with the project's own scripts. `--short` is the version `make test` runs.
 *
 * <p>Arguments: [--short] [scenario ...] (hostile poison kafka clickhouse clickhouse-kill mariadb app-kill two-instances).
 */
public final class Chaos {

    private static final Path OUT = Path.of("target/chaos");
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    /** The view keeper settles and looks sooner, so that its repairs land within a scenario's deadline. */
    private static final Map<String, String> APP_ENV = Map.of("VIEW_KEEPER_SETTLE", "10s", "VIEW_KEEPER_INTERVAL", "2s");

    private final boolean shortRun;
    private final int rate;
    private final int trafficSeconds;
    private final int outageSeconds;
    private final int mariadbOutageSeconds;
    private final Services services = new Services();
    private final JdbcTemplate clickHouseJdbc = new JdbcTemplate(LocalStack.clickHouse());
    private final List<Map<String, Object>> table = new ArrayList<>();
    private AppProcess app;
    private Map<String, String> baseline = Map.of();
    // Transformer consumers per instance (app.transformer.consumers).
    private final int consumers = Integer.parseInt(LocalStack.env("TRANSFORMER_CONSUMERS", "2"));

    private Chaos(boolean shortRun) {
        this.shortRun = shortRun;
        this.rate = shortRun ? 40 : 100;
        this.trafficSeconds = shortRun ? 20 : 60;
        this.outageSeconds = shortRun ? 8 : 30;
        this.mariadbOutageSeconds = shortRun ? 6 : 10;
    }

    public static void main(String[] args) throws Exception {
        List<String> list = new ArrayList<>(Arrays.asList(args));
        boolean shortRun = list.remove("--short");
        if (list.isEmpty()) {
            list = List.of("hostile", "poison", "kafka", "clickhouse", "clickhouse-kill", "mariadb", "app-kill", "two-instances");
        }
        Files.createDirectories(OUT);
        Chaos chaos = new Chaos(shortRun);
        boolean allPassed = true;
        try {
            chaos.app = AppProcess.start("chaos-a", APP_ENV, OUT);
            for (String scenario : list) {
                System.out.println("\n== " + scenario + (shortRun ? " (short)" : ""));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("scenario", scenario);
                try {
                    chaos.run(scenario, row);
                    row.put("passed", true);
                } catch (Exception | AssertionError e) {
                    row.put("passed", false);
                    row.put("failure", e.getMessage());
                    allPassed = false;
                    System.out.println("FAILED: " + e.getMessage());
                }
                chaos.table.add(row);
                System.out.println("   " + row);
            }
        } finally {
            if (chaos.app != null) {
                chaos.app.stop();
            }
            chaos.services.close();
            chaos.report();
        }
        System.exit(allPassed ? 0 : 1);
    }

    private void run(String scenario, Map<String, Object> row) throws Exception {
        // The stack is shared by the scenarios: one that ends with a difference must not fail the
        // ones after it, so each is judged on the differences it adds.
        baseline = gaps(services.reconciliation(clickHouseJdbc).run());
        if (!baseline.isEmpty()) {
            row.put("carriedOverDifferences", baseline);
        }
        switch (scenario) {
            case "hostile" -> hostile(row);
            case "poison" -> poison(row);
            case "kafka" -> outage(row, "kafka", outageSeconds);
            case "clickhouse" -> outage(row, "clickhouse", outageSeconds);
            case "clickhouse-kill" -> clickHouseKills(row);
            case "mariadb" -> mariadb(row);
            case "app-kill" -> appKill(row);
            case "two-instances" -> twoInstances(row);
            default -> throw new IllegalArgumentException("unknown scenario " + scenario);
        }
    }

    // ---- Scenarios ------------------------------------------------------------------------------

    /** Every hostile request gets its 4xx problem document and writes nothing; legal but nasty strings come back verbatim. */
    private void hostile(Map<String, Object> row) throws Exception {
        long orders = count("orders");
        long events = count("outbox");
        int cases = 0;
        for (HostileInputs.Refusal r : HostileInputs.refusals()) {
            LoadGenerator.Response response = LoadGenerator.send(app.url().resolve("/api/orders"), "POST", r.body(), r.contentType());
            check(response.status() == r.status(), r.name() + ": expected " + r.status() + ", got " + response.status());
            check(response.body().contains("\"status\":" + r.status()), r.name() + ": no problem document");
            check(!response.body().matches("(?s).*(Exception|java\\.|com\\.fasterxml|\\bat io\\.).*"), r.name() + ": internals in " + response.body());
            cases++;
        }
        check(count("orders") == orders && count("outbox") == events, "a refused request wrote something");
        for (String legal : HostileInputs.legalStrings()) {
            String user = "chaos-" + UUID.randomUUID().toString().substring(0, 8);
            String body = new ObjectMapper().writeValueAsString(Map.of("userId", user, "totalAmount", new BigDecimal("1.00"), "shippingAddress", legal));
            LoadGenerator.Response response = LoadGenerator.post(app.url().resolve("/api/orders"), body);
            check(response.status() == 201, "legal string refused: " + legal);
            String stored = services.mysql.queryForObject("SELECT shipping_address FROM orders WHERE user_id = ?", String.class, user);
            check(legal.equals(stored), "stored differently: " + legal + " -> " + stored);
            cases++;
        }
        row.put("cases", cases);
        settle(row, 0, List.of());
    }

    /** Poison at every stage lands in its dead-letter topic with a reason while traffic flows. */
    private void poison(Map<String, Object> row) throws Exception {
        double deadBefore = metric("outbox_events_dead_lettered_total") + metric("pipeline_transformer_dead_lettered_total")
                + metric("pipeline_sink_dead_lettered_total");
        String tag = "poison-" + UUID.randomUUID().toString().substring(0, 8);
        Traffic traffic = Traffic.start(app.url(), rate, trafficSeconds);
        Thread.sleep(2000);
        // The payload column is JSON, so MySQL itself refuses text that is not JSON: valid JSON that is
        // not an object is the closest a writer can get.
        services.mysql.update("INSERT INTO outbox (aggregate_type, aggregate_id, event_type, payload) VALUES ('Order', ?, 'OrderCreated', '\"not an object\"')", tag + "-a");
        services.mysql.update("INSERT INTO outbox (aggregate_type, aggregate_id, event_type, payload) VALUES ('Order', ?, 'OrderTeleported', JSON_OBJECT('orderId', ?))", tag + "-b", tag + "-b");
        services.mysql.update("INSERT INTO outbox (aggregate_type, aggregate_id, event_type, payload) VALUES ('Order', ?, 'OrderCreated', JSON_OBJECT('orderId', ?, 'blob', REPEAT('x', 1000000)))", tag + "-c", tag + "-c");
        // A row the transformer would never write: ClickHouse refuses its date.
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, services.brokers);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("analytics.orders", tag + "-d", "{\"event_id\":\"" + UUID.randomUUID()
                    + "\",\"event_type\":\"OrderCreated\",\"order_id\":\"" + tag + "-d\",\"user_id\":\"u\",\"total_amount\":1,"
                    + "\"currency\":\"USD\",\"status\":\"PENDING\",\"previous_status\":\"\",\"created_at\":\"not a date\","
                    + "\"event_time\":\"not a date\",\"event_time_ms\":0}")).get();
        }
        traffic.await();
        record(row, traffic);
        settle(row, traffic.load.createdOrderIds().size(), traffic.load.createdOrderIds());
        Map<String, String> orderDlq = deadLetters("order.events.dlq", tag);
        Map<String, String> sinkDlq = deadLetters("analytics.orders.dlq", tag);
        check(orderDlq.keySet().containsAll(List.of(tag + "-a", tag + "-b", tag + "-c")), "order.events.dlq holds " + orderDlq);
        check(sinkDlq.containsKey(tag + "-d"), "analytics.orders.dlq holds " + sinkDlq);
        check(orderDlq.values().stream().noneMatch(String::isBlank) && sinkDlq.values().stream().noneMatch(String::isBlank), "a dead letter without a reason");
        double deadAfter = metric("outbox_events_dead_lettered_total") + metric("pipeline_transformer_dead_lettered_total")
                + metric("pipeline_sink_dead_lettered_total");
        check(deadAfter - deadBefore >= 4, "dead-letter counters moved by " + (deadAfter - deadBefore));
        row.put("deadLetters", Map.of("order.events.dlq", orderDlq, "analytics.orders.dlq", sinkDlq));
    }

    /** A service stopped with the project's script during traffic, then started again. */
    private void outage(Map<String, Object> row, String service, int seconds) throws Exception {
        Traffic traffic = Traffic.start(app.url(), rate, trafficSeconds);
        Thread.sleep(3000);
        script(service, "stop");
        Thread.sleep(seconds * 1000L);
        script(service, "start");
        caughtUp(row, System.nanoTime());
        traffic.await();
        record(row, traffic);
        check(traffic.errors() == 0, "intake answered " + traffic.summary.get("errors") + " requests with an error while " + service + " was down");
        settle(row, traffic.load.createdOrderIds().size(), traffic.load.createdOrderIds());
    }

    /**
     * ClickHouse killed (SIGKILL) again and again while the sink inserts at twice the usual rate,
     * each kill timed to land while an insert is running when one can be seen: the table may keep a
     * block some views never got. Ends exact all the same (the sink's retries, the view keeper).
     */
    private void clickHouseKills(Map<String, Object> row) throws Exception {
        int kills = shortRun ? 3 : 10;
        Traffic traffic = Traffic.start(app.url(), rate * 2, trafficSeconds);
        Thread.sleep(2000);
        int midInsert = 0;
        for (int i = 0; i < kills; i++) {
            if (insertRunning(Duration.ofSeconds(5))) {
                midInsert++;
            }
            script("clickhouse", "kill");
            script("clickhouse", "start");
            Thread.sleep(Math.max(500, trafficSeconds * 1000L / (kills + 1) - 2000));
        }
        caughtUp(row, System.nanoTime());
        traffic.await();
        record(row, traffic);
        row.put("kills", kills);
        row.put("killsDuringAnInsert", midInsert);
        check(traffic.errors() == 0, "intake answered " + traffic.summary.get("errors") + " requests with an error while ClickHouse was killed");
        settle(row, traffic.load.createdOrderIds().size(), traffic.load.createdOrderIds());
    }

    /** Waits (up to the limit) until ClickHouse is running an insert into orders_analytics; false if none was seen. */
    private boolean insertRunning(Duration limit) {
        long until = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < until) {
            try {
                if (!services.clickHouse.query("SELECT query_id FROM system.processes WHERE query LIKE "
                        + "'INSERT INTO analytics.orders_analytics%'").isBlank()) {
                    return true;
                }
            } catch (RuntimeException notUpYet) {
                // restarting: look again
            }
        }
        return false;
    }

    /** MariaDB away: quick 503 problem documents, nothing half-written, resumes by itself. */
    private void mariadb(Map<String, Object> row) throws Exception {
        Traffic traffic = Traffic.start(app.url(), rate, trafficSeconds);
        Thread.sleep(3000);
        script("mariadb", "stop");
        long until = System.nanoTime() + mariadbOutageSeconds * 1_000_000_000L;
        long slowest = 0;
        int refused = 0;
        while (System.nanoTime() < until) {
            long t0 = System.nanoTime();
            LoadGenerator.Response r = LoadGenerator.post(app.url().resolve("/api/orders"), LoadGenerator.newOrder());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            check(r.status() == 503 && r.body().contains("\"status\":503"), "while MariaDB is down: " + r.status() + " " + r.body());
            slowest = Math.max(slowest, ms);
            refused++;
            Thread.sleep(200);
        }
        script("mariadb", "start");
        caughtUp(row, System.nanoTime());
        traffic.await();
        record(row, traffic);
        check(slowest < 2000, "a refusal took " + slowest + " ms");
        row.put("refusedWhileDown", refused);
        row.put("slowestRefusalMs", slowest);
        settle(row, traffic.load.createdOrderIds().size(), traffic.load.createdOrderIds());
        Long orphans = services.mysql.queryForObject("SELECT COUNT(*) FROM orders o WHERE NOT EXISTS "
                + "(SELECT 1 FROM outbox e WHERE e.aggregate_id = o.id AND e.event_type = 'OrderCreated')", Long.class);
        check(orphans == 0, orphans + " orders without their OrderCreated event");
    }

    /** SIGKILL during traffic, restarted at once; three times in the full run. */
    private void appKill(Map<String, Object> row) throws Exception {
        int kills = shortRun ? 1 : 3;
        Traffic traffic = Traffic.start(app.url(), rate, trafficSeconds);
        for (int i = 0; i < kills; i++) {
            Thread.sleep(trafficSeconds * 1000L / (kills + 1) - (i == 0 ? 0 : 10_000));
            app.kill();
            long killed = System.nanoTime();
            app = app.restart();
            row.put("secondsToRestart", Math.round((System.nanoTime() - killed) / 1e8) / 10.0);
            caughtUp(row, killed);
        }
        traffic.await();
        record(row, traffic);
        row.put("kills", kills);
        settle(row, traffic.load.createdOrderIds().size(), traffic.load.createdOrderIds());
    }

    /** Two instances sharing the traffic (and the relay, consumers and sink), one killed mid-run. */
    private void twoInstances(Map<String, Object> row) throws Exception {
        int port = app.url().getPort() + 1;
        Map<String, String> env = new HashMap<>(APP_ENV);
        env.put("SERVER_PORT", String.valueOf(port));
        AppProcess second = AppProcess.start("chaos-b", env, OUT);
        try {
            Traffic a = Traffic.start(app.url(), rate / 2, trafficSeconds);
            Traffic b = Traffic.start(second.url(), rate / 2, trafficSeconds);
            Thread.sleep(trafficSeconds * 500L);
            app.kill();
            long killed = System.nanoTime();
            // The dead instance's consumers stay members until their session times out (10 s):
            // recovery counts from the kill until only the survivor's are left and it has caught up.
            long deadline = killed + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline && (members(Services.TRANSFORMER_GROUP) > consumers || members(Services.SINK_GROUP) > 1)) {
                Thread.sleep(200);
            }
            caughtUp(row, killed);
            a.await();
            b.await();
            record(row, a, b);
            List<String> acknowledged = new ArrayList<>(a.load.createdOrderIds());
            acknowledged.addAll(b.load.createdOrderIds());
            settle(row, acknowledged.size(), acknowledged);
        } finally {
            app = second;
        }
    }

    // ---- The end of every scenario --------------------------------------------------------------

    /**
     * Waits for the pipeline to drain, then checks: every acknowledged order in MySQL, MySQL and
     * ClickHouse reconcile exactly, no event twice, no outbox row pending or failed without a reason.
     */
    private void settle(Map<String, Object> row, long sent, List<String> acknowledged) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        Reconciliation reconciliation = services.reconciliation(clickHouseJdbc);
        Reconciliation.Report report = null;
        while (System.nanoTime() < deadline) {
            if (services.drained()) {
                report = reconciliation.run();
                if (gaps(report).equals(baseline)) {
                    break;
                }
            }
            Thread.sleep(250);
        }
        long missing = 0;
        for (int i = 0; i < acknowledged.size(); i += 1000) {
            List<String> ids = acknowledged.subList(i, Math.min(acknowledged.size(), i + 1000));
            Long found = services.mysql.queryForObject("SELECT COUNT(*) FROM orders WHERE id IN ("
                    + String.join(",", ids.stream().map(x -> "?").toList()) + ")", Long.class, ids.toArray());
            missing += ids.size() - found;
        }
        long inMysql = count("orders");
        long inClickHouse = services.clickHouseLong("SELECT uniqExact(order_id) FROM analytics.orders_analytics WHERE event_type = 'OrderCreated'");
        long twice = services.clickHouseLong("SELECT count() - uniqExact(event_id) FROM analytics.orders_analytics");
        long pending = count("outbox WHERE processed = 0");
        long failedWithoutReason = count("outbox WHERE failed_at IS NOT NULL AND (last_error IS NULL OR last_error = '')");
        row.put("ordersAcknowledged", sent);
        row.put("ordersInMysql", inMysql);
        row.put("ordersInClickHouse", inClickHouse);
        row.put("lost", missing + Math.max(0, inMysql - inClickHouse));
        row.put("countedTwice", twice);
        boolean noNewGap = report != null && gaps(report).equals(baseline);
        row.put("reconciliation", report == null ? "not drained" : report.exact() ? "exact"
                : noNewGap ? "no new difference" : "DIFFERENT");
        check(noNewGap, "reconciliation not exact within 3 min" + (report == null ? " (pipeline never drained)" : ":\n" + Reconciliation.table(report)));
        check(missing == 0, missing + " acknowledged orders are not in MySQL");
        check(twice == 0, twice + " events counted twice");
        check(pending == 0 && failedWithoutReason == 0, pending + " outbox rows pending, " + failedWithoutReason + " failed without a reason");
    }

    /**
     * Seconds from the end of a fault until the pipeline has caught up while traffic goes on: no more
     * than one second of traffic waiting in the outbox or in either topic (3 min at most).
     */
    private void caughtUp(Map<String, Object> row, long faultEnded) throws InterruptedException {
        long deadline = faultEnded + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (services.pendingOutboxRows() <= rate && services.lag(Services.TRANSFORMER_GROUP, "order.events") <= rate
                        && services.lag(Services.SINK_GROUP, "analytics.orders") <= rate) {
                    row.put("secondsToRecover", Math.round((System.nanoTime() - faultEnded) / 1e8) / 10.0);
                    return;
                }
            } catch (Exception e) {
                // a service still coming back: try again
            }
            Thread.sleep(200);
        }
        row.put("secondsToRecover", "> 180");
    }

    private int members(String group) {
        try {
            return services.admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().size();
        } catch (Exception e) {
            return Integer.MAX_VALUE;
        }
    }

    /** What differs between MySQL and ClickHouse, line by line (empty when exact). */
    private static Map<String, String> gaps(Reconciliation.Report report) {
        Map<String, String> gaps = new java.util.TreeMap<>();
        for (Reconciliation.Line l : report.differences()) {
            if (!l.matches()) {
                gaps.put(l.kind() + " " + l.key(), "ClickHouse - MySQL: " + (l.clickhouseOrders() - l.mysqlOrders()) + " orders, "
                        + (l.clickhouseRevenue() == null || l.mysqlRevenue() == null ? "-" : l.clickhouseRevenue().subtract(l.mysqlRevenue()))
                        + " revenue");
            }
        }
        return gaps;
    }

    // ---- Helpers --------------------------------------------------------------------------------

    /** Load in the background; its summary once it is done. */
    private static final class Traffic {
        final LoadGenerator load;
        final CompletableFuture<Map<String, Object>> done;
        final int seconds;
        Map<String, Object> summary;

        private Traffic(LoadGenerator load, CompletableFuture<Map<String, Object>> done, int seconds) {
            this.load = load;
            this.done = done;
            this.seconds = seconds;
        }

        static Traffic start(URI url, int rate, int seconds) {
            LoadGenerator load = new LoadGenerator(url, rate, seconds, 0.3, 64);
            return new Traffic(load, CompletableFuture.supplyAsync(() -> {
                try {
                    return load.run(QUIET);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }), seconds);
        }

        /** The load's own duration plus its 30 s wait for answers, and some slack. */
        void await() throws Exception {
            summary = done.get(seconds + 60, java.util.concurrent.TimeUnit.SECONDS);
        }

        long errors() {
            return ((Number) summary.get("errors")).longValue();
        }
    }

    /** Requests sent and answered with an error (a killed or stopped part makes some fail: they are not acknowledged). */
    private static void record(Map<String, Object> row, Traffic... traffic) {
        row.put("requestsSent", Arrays.stream(traffic).mapToLong(t -> ((Number) t.summary.get("sent")).longValue()).sum());
        row.put("requestErrors", Arrays.stream(traffic).mapToLong(Traffic::errors).sum());
    }

    private static void script(String service, String action) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("scripts/local/" + service + ".sh", action).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(service + ".sh " + action + " failed");
        }
    }

    private long count(String tableAndWhere) {
        Long n = services.mysql.queryForObject("SELECT COUNT(*) FROM " + tableAndWhere, Long.class);
        return n == null ? 0 : n;
    }

    /** A counter's value in the app's Prometheus page (0 when it has not counted yet). */
    private double metric(String name) throws IOException {
        LoadGenerator.Response r = LoadGenerator.send(app.url().resolve("/actuator/prometheus"), "GET", null, null);
        return r.body().lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** key -> dlq.reason of the dead letters whose key starts with the tag. */
    private Map<String, String> deadLetters(String topic, String tag) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, services.brokers);
        Map<String, String> found = new LinkedHashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    String key = r.key() == null ? "" : r.key();
                    if (key.startsWith(tag)) {
                        var reason = r.headers().lastHeader("dlq.reason");
                        found.put(key, reason == null ? "" : new String(reason.value(), java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return found;
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    private void report() throws IOException {
        Files.writeString(OUT.resolve("results.json"), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(table));
        String format = "%-14s %9s %7s %11s %8s %10s %5s %6s %9s %-7s%n";
        StringBuilder sb = new StringBuilder(String.format(format, "scenario", "requests", "errors", "orders 201", "in MySQL",
                "in ClickH.", "lost", "twice", "recover s", "result"));
        for (Map<String, Object> r : table) {
            sb.append(String.format(Locale.ROOT, format, r.get("scenario"), r.getOrDefault("requestsSent", "-"),
                    r.getOrDefault("requestErrors", "-"), r.getOrDefault("ordersAcknowledged", "-"),
                    r.getOrDefault("ordersInMysql", "-"), r.getOrDefault("ordersInClickHouse", "-"), r.getOrDefault("lost", "-"),
                    r.getOrDefault("countedTwice", "-"), r.getOrDefault("secondsToRecover", "-"),
                    Boolean.TRUE.equals(r.get("passed")) ? "passed" : "FAILED"));
        }
        Files.writeString(OUT.resolve("results.txt"), sb.toString());
        System.out.println("\n" + sb + "\nresults: " + OUT.resolve("results.json") + " (in MySQL / in ClickHouse are totals so far)");
    }
}
