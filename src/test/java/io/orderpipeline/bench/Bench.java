package io.orderpipeline.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

import com.sun.management.OperatingSystemMXBean;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.orderpipeline.harness.AppProcess;
import io.orderpipeline.harness.Services;
import io.orderpipeline.load.LoadGenerator;
import io.orderpipeline.outbox.OutboxProducerProperties;
import io.orderpipeline.platform.LocalStack;
import io.orderpipeline.platform.TimeOrderedIds;
import io.orderpipeline.transform.AnalyticsRow;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.awaitility.Awaitility;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * `make bench`: the four stage benchmarks, each beside a raw ceiling measured in the same run on the
 * same services (scripts/bench/bench.sh gives it a stack of its own), and the restart of a killed
 * app. Each stage runs the packaged app with only that stage switched on, after a warm-up,
 * BENCH_REPS times; the report gives min/median/max. Results: target/bench/results.json, results.txt and e2e-latency.png.
 *
 * <p>Arguments: the benchmarks to run (intake relay e2e sink restart; all by default).
 */
public final class Bench {

    private static final Path OUT = Path.of("target/bench");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectWriter ONE_LINE = JSON.writer().without(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter CH_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final int reps = intEnv("BENCH_REPS", 3);
    private final int concurrency = intEnv("BENCH_CONCURRENCY", 24);
    private final int intakeSeconds = intEnv("BENCH_INTAKE_SECONDS", 15);
    private final int relayEvents = intEnv("BENCH_RELAY_EVENTS", 200_000);
    private final int e2eRate = intEnv("BENCH_E2E_RATE", 1000);
    private final int e2eSeconds = intEnv("BENCH_E2E_SECONDS", 60);
    private final int e2eReps = intEnv("BENCH_E2E_REPS", 2);
    private final int overloadSeconds = intEnv("BENCH_OVERLOAD_SECONDS", 30);
    private final int sinkRows = intEnv("BENCH_SINK_ROWS", 200_000);

    private final PrintStream out = System.out;
    private final Services services = new Services();
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final List<String[]> table = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        List<String> which = args.length == 0 ? List.of("intake", "relay", "e2e", "sink", "restart") : Arrays.asList(args);
        Files.createDirectories(OUT);
        Bench bench = new Bench();
        bench.results.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "os", System.getProperty("os.name") + " " + System.getProperty("os.version"),
                "java", System.getProperty("java.version")));
        bench.results.put("startedAt", Instant.now().toString());
        try (Services ignored = bench.services) {
            for (String b : which) {
                switch (b) {
                    case "intake" -> bench.intake();
                    case "relay" -> bench.relay();
                    case "e2e" -> bench.endToEnd();
                    case "sink" -> bench.sink();
                    case "restart" -> bench.restart();
                    default -> throw new IllegalArgumentException("unknown benchmark " + b + " (intake relay e2e sink restart)");
                }
                bench.save();
            }
        }
        bench.printTable();
        System.exit(0);
    }

    // ---- 1. Intake --------------------------------------------------------------------------------

    /** Orders over HTTP, closed loop at fixed concurrency, beside the same two inserts as raw JDBC transactions. */
    private void intake() throws Exception {
        heading("intake: POST /api/orders, " + concurrency + " clients back to back, " + intakeSeconds + " s x " + reps);
        AppProcess app = AppProcess.start("bench-intake", Map.of("OUTBOX_RELAY_ENABLED", "false",
                "TRANSFORMER_ENABLED", "false", "SINK_MODE", "off"), OUT);
        URI orders = app.url().resolve("/api/orders");
        LoadGenerator.keepAlive(concurrency);
        IntFunction<Worker> httpWorker = orderPosters(orders);
        List<Loop> pipeline;
        try {
            warmUp("pipeline", httpWorker);
            pipeline = repeat(() -> closedLoop(concurrency, intakeSeconds, httpWorker), "pipeline");
        } finally {
            app.stop();
        }

        // The raw ceiling writes what the app writes: an order row and its outbox event, one transaction.
        Map<String, Object> sample = services.mysql.queryForMap("SELECT aggregate_id, payload FROM outbox ORDER BY id DESC LIMIT 1");
        String templateId = (String) sample.get("aggregate_id");
        String template = (String) sample.get("payload");
        String url = LocalStack.mysqlUrl(LocalStack.env("MYSQL_DATABASE", "ecommerce"));
        IntFunction<Worker> jdbcWorker = i -> {
            try {
                Connection c = DriverManager.getConnection(url, LocalStack.env("MYSQL_USER", "app"), LocalStack.env("MYSQL_PASSWORD", "app123"));
                c.setAutoCommit(false);
                PreparedStatement order = c.prepareStatement("INSERT INTO orders (id, user_id, total_amount, currency, status, "
                        + "shipping_address) VALUES (?, ?, ?, 'USD', 'PENDING', ?)");
                PreparedStatement event = c.prepareStatement("INSERT INTO outbox (event_id, aggregate_type, aggregate_id, "
                        + "event_type, payload) VALUES (?, 'Order', ?, 'OrderCreated', ?)");
                return new Worker() {
                    @Override
                    public boolean call() throws Exception {
                        String id = TimeOrderedIds.next();
                        ThreadLocalRandom r = ThreadLocalRandom.current();
                        order.setString(1, id);
                        order.setString(2, "user-" + r.nextInt(1000));
                        order.setBigDecimal(3, BigDecimal.valueOf(500 + r.nextInt(10000), 2));
                        order.setString(4, r.nextInt(9999) + " Main St, Springfield");
                        order.executeUpdate();
                        event.setString(1, TimeOrderedIds.next());
                        event.setString(2, id);
                        event.setString(3, template.replace(templateId, id));
                        event.executeUpdate();
                        c.commit();
                        return true;
                    }

                    @Override
                    public void close() throws Exception {
                        c.close();
                    }
                };
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        warmUp("raw JDBC", jdbcWorker);
        List<Loop> raw = repeat(() -> closedLoop(concurrency, intakeSeconds, jdbcWorker), "raw JDBC");

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("concurrency", concurrency);
        r.put("secondsPerRep", intakeSeconds);
        r.put("pipeline", loopFigures(pipeline));
        r.put("rawMysql", loopFigures(raw));
        results.put("intake", r);
        row("intake", "orders/s", spreadOf(pipeline, Loop::rate), spreadOf(raw, Loop::rate), "2,000/s");
        row("intake", "p50 ms", spreadOf(pipeline, l -> l.p(50)), spreadOf(raw, l -> l.p(50)), "");
        row("intake", "p99 ms", spreadOf(pipeline, l -> l.p(99)), spreadOf(raw, l -> l.p(99)), "< 50 ms");
    }

    // ---- 2. Relay ---------------------------------------------------------------------------------

    /** A backlog committed at once, drained by the relay; beside the relay's producer settings sending the same payloads. */
    private void relay() throws Exception {
        heading("relay: a " + relayEvents + "-event outbox backlog into Kafka, x " + reps);
        // Its own topic, so nothing downstream reads these events.
        String topic = "bench.relay";
        services.createTopic(topic, 6);
        services.createTopic("bench.raw", 6);
        AppProcess app = AppProcess.start("bench-relay", Map.of("TRANSFORMER_ENABLED", "false", "SINK_MODE", "off",
                "TOPIC_ORDER_EVENTS", topic), OUT);
        String template;
        String templateId;
        List<Double> pipeline = new ArrayList<>();
        try {
            // One real order, so the backlog copies what the app writes (also when run alone).
            LoadGenerator.post(app.url().resolve("/api/orders"), LoadGenerator.newOrder());
            await("earlier rows relayed", Duration.ofMinutes(5), () -> services.pendingOutboxRows() == 0);
            Map<String, Object> sample = services.mysql.queryForMap(
                    "SELECT aggregate_id, payload FROM outbox WHERE event_type = 'OrderCreated' ORDER BY id DESC LIMIT 1");
            templateId = (String) sample.get("aggregate_id");
            template = (String) sample.get("payload");
            out.printf("payload: %d bytes (an OrderCreated written by the app)%n", template.length());
            warmUpDrains("pipeline", Math.min(relayEvents, 100_000), n -> drainBacklog(template, templateId, n));
            for (int i = 0; i < reps; i++) {
                double rate = drainBacklog(template, templateId, relayEvents);
                out.printf(Locale.ROOT, "  pipeline #%d: %.0f events/s%n", i + 1, rate);
                pipeline.add(rate);
            }
        } finally {
            app.stop();
        }
        List<Double> raw = new ArrayList<>();
        warmUpDrains("raw producer", Math.min(relayEvents, 100_000), n -> rawProduce(template, templateId, n));
        for (int i = 0; i < reps; i++) {
            double rate = rawProduce(template, templateId, relayEvents);
            out.printf(Locale.ROOT, "  raw producer #%d: %.0f events/s%n", i + 1, rate);
            raw.add(rate);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("events", relayEvents);
        r.put("payloadBytes", template.length());
        r.put("pipelineEventsPerSecond", Stats.spread(pipeline));
        r.put("rawProducerEventsPerSecond", Stats.spread(raw));
        results.put("relay", r);
        row("relay", "events/s", Stats.spread(pipeline), Stats.spread(raw), "30,000/s");
    }

    /** Commits n outbox rows in one statement and returns events/s from that commit until the last is marked published. */
    private double drainBacklog(String template, String templateId, int n) throws InterruptedException {
        // 36-character ids, so every payload has the template's size.
        services.mysql.update("INSERT INTO outbox (aggregate_type, aggregate_id, event_type, payload) "
                + "SELECT 'Order', CONCAT('bench-relay-', LPAD(seq, 24, '0')), 'OrderCreated', "
                + "REPLACE(?, ?, CONCAT('bench-relay-', LPAD(seq, 24, '0'))) FROM seq_1_to_" + n, template, templateId);
        long t0 = System.nanoTime();
        Long last = services.mysql.queryForObject("SELECT MAX(id) FROM outbox", Long.class);
        // The single active relay publishes in id order: the last row marked means all are.
        await("backlog relayed", Duration.ofMinutes(5), () -> Boolean.TRUE.equals(services.mysql.queryForObject(
                "SELECT processed = 1 FROM outbox WHERE id = ?", Boolean.class, last)), 5);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (services.pendingOutboxRows() != 0) {
            throw new IllegalStateException("rows still pending after the last one was relayed");
        }
        return n / seconds;
    }

    private double rawProduce(String template, String templateId, int n) throws Exception {
        OutboxProducerProperties settings = appConfig().bind("app.outbox.producer", OutboxProducerProperties.class)
                .orElseThrow(() -> new IllegalStateException("app.outbox.producer not in application.yml"));
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            String id = String.format("bench-relay-%024d", i);
            records.add(new ProducerRecord<>("bench.raw", id, template.replace(templateId, id).getBytes(StandardCharsets.UTF_8)));
        }
        int batch = appConfig().bind("app.outbox.relay.batch-size", Integer.class).get();
        AtomicLong failed = new AtomicLong();
        // The relay's own settings and transactions: one Kafka transaction per relay batch.
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings.kafkaSettings(services.brokers,
                "bench-raw-" + UUID.randomUUID()), new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.partitionsFor("bench.raw");
            long t0 = System.nanoTime();
            for (int from = 0; from < records.size(); from += batch) {
                producer.beginTransaction();
                for (ProducerRecord<String, byte[]> record : records.subList(from, Math.min(records.size(), from + batch))) {
                    producer.send(record, (md, e) -> {
                        if (e != null) {
                            failed.incrementAndGet();
                        }
                    });
                }
                producer.commitTransaction();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " raw sends failed");
            }
            return n / seconds;
        }
    }

    /** application.yml as the app reads it, so the raw ceilings get the stages' very settings. */
    private static Binder appConfig() throws java.io.IOException {
        List<PropertySource<?>> yaml = new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml"));
        // ${ENV:default}: the environment the app is started with (AppProcess passes it on), else the default.
        List<PropertySource<?>> placeholders = new ArrayList<>(yaml);
        placeholders.add(0, new org.springframework.core.env.SystemEnvironmentPropertySource("env", new HashMap<>(System.getenv())));
        return new Binder(ConfigurationPropertySources.from(yaml),
                new org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver(placeholders));
    }

    // ---- 3. End to end ----------------------------------------------------------------------------

    /** The whole pipeline at e2eRate orders/s: commit → row in orders_analytics and → counted by the views. */
    private void endToEnd() throws Exception {
        heading("end to end: " + e2eRate + " requests/s (30% status changes) for " + e2eSeconds + " s x " + e2eReps);
        AppProcess app = AppProcess.start("bench-e2e", Map.of(), OUT);
        List<Map<String, Object>> runs = new ArrayList<>();
        try {
            // Warm-up: orders back to back until the rate levels off (every stage runs them), then the
            // full rate until the JIT's share levels off; the first minutes of a JVM are not the ones
            // users live in.
            URI orders = app.url().resolve("/api/orders");
            LoadGenerator.keepAlive(concurrency);
            warmUp("pipeline", orderPosters(orders));
            warmUpAtRate(app);
            for (int i = 0; i < e2eReps; i++) {
                runs.add(endToEndRun(app, i + 1, i == e2eReps - 1));
            }
            if (overloadSeconds > 0) {
                overload(app);
            }
        } finally {
            app.stop();
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("targetRate", e2eRate);
        r.put("seconds", e2eSeconds);
        r.put("runs", runs);
        for (String k : List.of("achievedRate", "rowP50Ms", "rowP95Ms", "rowP99Ms", "viewP50Ms", "viewP95Ms", "viewP99Ms",
                "maxBacklog", "drainSecondsAfterLoad")) {
            r.put(k, Stats.spread(runs.stream().map(m -> ((Number) m.get(k)).doubleValue()).toList()));
        }
        results.put("e2e", r);
        @SuppressWarnings("unchecked")
        Map<String, Double> rate = (Map<String, Double>) r.get("achievedRate");
        row("e2e", "requests/s achieved", rate, null, e2eRate + "/s");
        for (String k : List.of("rowP50Ms", "rowP95Ms", "rowP99Ms", "viewP50Ms", "viewP99Ms")) {
            @SuppressWarnings("unchecked")
            Map<String, Double> v = (Map<String, Double>) r.get(k);
            row("e2e", k.replace("Ms", " ms").replace("row", "row ").replace("view", "views "), v, null,
                    k.endsWith("P50Ms") ? "300 ms" : k.endsWith("P99Ms") ? "1,000 ms" : "");
        }
        Map<String, Object> cpu = new LinkedHashMap<>();
        for (String stage : runs.isEmpty() ? List.<String>of() : List.copyOf(cpuStages(runs.get(0)).keySet())) {
            Map<String, Double> v = Stats.spread(runs.stream().map(m -> cpuStages(m).get(stage)).toList());
            cpu.put(stage, v);
            row("e2e", "CPU µs/request " + stage, v, null, stage.equals("total") ? "500 µs" : "");
        }
        r.put("cpuMicrosPerRequest", cpu);
        Map<String, Double> harness = Stats.spread(runs.stream().map(m -> ((Number) m.get("harnessCpuMicrosPerRequest")).doubleValue()).toList());
        row("e2e", "CPU µs/request bench harness", harness, null, "");
        r.put("harnessCpuMicrosPerRequest", harness);
        Map<String, Double> refused = Stats.spread(runs.stream().map(m -> ((Number) m.get("httpErrors")).doubleValue()).toList());
        row("e2e", "requests not 2xx", refused, null, "0");
        r.put("httpErrors", refused);
    }

    /**
     * The full rate in 20 s windows (each drained) until the JIT's CPU per request stops falling by a
     * fifth, 2 to 6 windows. A single 20 s window left the status changes' reads and the Kafka
     * clients' batch paths to be compiled in run 1: in a Flight Recording, C2's compilations of over
     * 100 ms took about 6 s there against 1 s in run 2, and across 13 invocations run 1 refused
     * 465-10,128 requests where run 2 refused 0-882.
     */
    private void warmUpAtRate(AppProcess app) throws Exception {
        List<String> windows = new ArrayList<>();
        double previous = Double.MAX_VALUE;
        for (int w = 1; w <= 6; w++) {
            Drained window = loadUntilDrained(app, 20);
            double jit = window.cpuPerRequest().get("jit");
            windows.add(String.format(Locale.ROOT, "%.0f µs (%s refused)", jit, window.load().get("refusedWithRetryAfter")));
            if (w >= 2 && jit >= 0.8 * previous) {
                break;
            }
            previous = jit;
        }
        out.printf(Locale.ROOT, "  full-rate warm-up (20 s windows, JIT CPU per request): %s%n", windows);
    }

    private Map<String, Object> endToEndRun(AppProcess app, int n, boolean chart) throws Exception {
        long t0 = System.currentTimeMillis();
        long viewBase = viewOrders();
        ConcurrentLinkedQueue<long[]> viewSamples = new ConcurrentLinkedQueue<>();
        List<LatencyChart.Backlog> backlog = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Exception> samplerFailure = new AtomicReference<>();
        // Two samplers: the backlog's Kafka reads wait for open transactions (Services.lag reads
        // read_committed up to the end). On the views' thread they delayed its samples: at a 100 ms
        // relay interval the views read 600-800 ms at p50, against 210-300 sampled on their own.
        Thread viewSampler = sampler("e2e-views", done, samplerFailure, () -> {
            long now = System.currentTimeMillis();
            viewSamples.add(new long[] {now, viewOrders() - viewBase});
        }, 50);
        Thread backlogSampler = sampler("e2e-backlog", done, samplerFailure, () -> backlog.add(new LatencyChart.Backlog(
                (System.currentTimeMillis() - t0) / 1000.0, services.pendingOutboxRows(),
                services.lag(Services.TRANSFORMER_GROUP, "order.events"), services.lag(Services.SINK_GROUP, "analytics.orders"))), 1000);
        Drained run;
        try {
            run = loadUntilDrained(app, e2eSeconds);
        } finally {
            done.countDown();
            viewSampler.join();
            backlogSampler.join();
        }
        if (samplerFailure.get() != null) {
            throw samplerFailure.get();
        }

        String window = "event_time_ms >= " + t0 + " AND event_time_ms < " + run.drained();
        String[] all = services.clickHouse.query("SELECT count(), quantilesExact(0.5, 0.95, 0.99)(toInt64(ingested_ms) - toInt64(event_time_ms)) "
                + "FROM analytics.orders_analytics WHERE " + window).trim().split("\t");
        double[] q = Arrays.stream(all[1].replaceAll("[\\[\\]]", "").split(",")).mapToDouble(Double::parseDouble).toArray();
        List<LatencyChart.Second> perSecond = new ArrayList<>();
        for (String line : services.clickHouse.query("SELECT intDiv(event_time_ms - " + t0 + ", 1000) AS s, "
                + "quantileExact(0.5)(toInt64(ingested_ms) - toInt64(event_time_ms)), "
                + "quantileExact(0.99)(toInt64(ingested_ms) - toInt64(event_time_ms)) FROM analytics.orders_analytics WHERE "
                + window + " GROUP BY s ORDER BY s").trim().split("\n")) {
            String[] f = line.split("\t");
            perSecond.add(new LatencyChart.Second(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])));
        }

        // The views hold counts, not events: the k-th order created in the window is taken as visible
        // when the views first count k orders (sampled every 50 ms; arrival order is nearly commit order).
        long[] created = Arrays.stream(services.clickHouse.query("SELECT event_time_ms FROM analytics.orders_analytics WHERE "
                + window + " AND event_type = 'OrderCreated' ORDER BY event_time_ms").trim().split("\n"))
                .filter(s -> !s.isBlank()).mapToLong(Long::parseLong).toArray();
        List<Long> viewLatencies = new ArrayList<>();
        List<long[]> samples = new ArrayList<>(viewSamples);
        int s = 0;
        for (int k = 0; k < created.length; k++) {
            while (s < samples.size() && samples.get(s)[1] < k + 1) {
                s++;
            }
            if (s == samples.size()) {
                break;
            }
            viewLatencies.add(Math.max(0, samples.get(s)[0] - created[k]));
        }
        long[] v = Stats.sorted(viewLatencies);
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < samples.size(); i++) {
            gaps.add(samples.get(i)[0] - samples.get(i - 1)[0]);
        }
        long[] g = Stats.sorted(gaps);

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("run", n);
        r.put("achievedRate", run.load().get("achievedRate"));
        r.put("httpP99Ms", run.load().get("latencyMsP99"));
        r.put("httpErrors", run.load().get("errors"));
        r.put("rows", Long.parseLong(all[0]));
        r.put("rowP50Ms", q[0]);
        r.put("rowP95Ms", q[1]);
        r.put("rowP99Ms", q[2]);
        r.put("viewP50Ms", Stats.percentile(v, 50));
        r.put("viewP95Ms", Stats.percentile(v, 95));
        r.put("viewP99Ms", Stats.percentile(v, 99));
        r.put("viewSampleGapMsP99", Stats.percentile(g, 99));
        r.put("viewSampleGapMsMax", g.length == 0 ? 0 : g[g.length - 1]);
        r.put("maxBacklog", backlog.stream().mapToLong(b -> b.outbox() + b.transformerLag() + b.sinkLag()).max().orElse(0));
        r.put("drainSecondsAfterLoad", Stats.round((run.drained() - run.loadEnd()) / 1000.0));
        r.put("cpuMicrosPerRequest", run.cpuPerRequest());
        r.put("harnessCpuMicrosPerRequest", run.harnessCpuPerRequest());
        r.put("perSecond", perSecond);
        r.put("backlog", backlog);
        out.printf(Locale.ROOT, "  run #%d: %s rows, row p50/p95/p99 %.0f/%.0f/%.0f ms, views p50/p99 %.0f/%.0f ms (sampled every %.0f ms at p99, %s at most), max backlog %s%n",
                n, all[0], q[0], q[1], q[2], r.get("viewP50Ms"), r.get("viewP99Ms"), r.get("viewSampleGapMsP99"), r.get("viewSampleGapMsMax"),
                r.get("maxBacklog"));
        out.printf(Locale.ROOT, "          app CPU µs per request: %s; this harness's (load generator, samplers): %.0f%n",
                run.cpuPerRequest(), run.harnessCpuPerRequest());
        if (chart) {
            LatencyChart.draw(OUT.resolve("e2e-latency.png"), String.format(Locale.ROOT,
                    "End to end at %d requests/s (run %d): commit to orders_analytics", e2eRate, n), perSecond, backlog);
        }
        return r;
    }

    /**
     * Twice the end-to-end rate (more than two cores sustain) on the warmed app, then a light load:
     * the refusals must be quick 503s with Retry-After, every acknowledged order must reach
     * ClickHouse, and the light load afterwards must be answered in full (it recovers by itself).
     */
    private void overload(AppProcess app) throws Exception {
        int rate = intEnv("BENCH_OVERLOAD_RATE", 2 * e2eRate);
        heading("overload: " + rate + " requests/s for " + overloadSeconds + " s, then 100/s for 10 s");
        // One boundary for both stores: MySQL's UTC clock, which created_at and ClickHouse's event time come from.
        String since = services.mysql.queryForObject("SELECT DATE_FORMAT(UTC_TIMESTAMP(3), '%Y-%m-%dT%H:%i:%s.%f')", String.class);
        long sinceMs = java.time.LocalDateTime.parse(since).toInstant(ZoneOffset.UTC).toEpochMilli();
        LoadGenerator overGenerator = new LoadGenerator(app.url(), rate, overloadSeconds, 0.3, 256);
        Map<String, Object> over = overGenerator.run(out);
        LoadGenerator afterGenerator = new LoadGenerator(app.url(), 100, 10, 0.3, 256);
        Map<String, Object> after = afterGenerator.run(out);
        awaitPipelineIdle();
        // Each order the API answered 201 for, looked up by id in both stores.
        List<String> ids = new ArrayList<>(overGenerator.createdOrderIds());
        ids.addAll(afterGenerator.createdOrderIds());
        long acknowledgedInMysql = 0;
        long acknowledgedInClickHouse = 0;
        for (int i = 0; i < ids.size(); i += 1000) {
            List<String> some = ids.subList(i, Math.min(ids.size(), i + 1000));
            String in = "'" + String.join("','", some) + "'";
            acknowledgedInMysql += services.mysql.queryForObject("SELECT COUNT(*) FROM orders WHERE id IN (" + in + ")", Long.class);
            acknowledgedInClickHouse += services.clickHouseLong("SELECT uniqExact(order_id) FROM analytics.orders_analytics "
                    + "WHERE event_type = 'OrderCreated' AND order_id IN (" + in + ")");
        }
        long mysqlOrders = services.mysql.queryForObject("SELECT COUNT(*) FROM orders WHERE created_at >= ?", Long.class,
                since.replace('T', ' '));
        long clickHouseOrders = services.clickHouseLong("SELECT uniqExact(order_id) FROM analytics.orders_analytics "
                + "WHERE event_type = 'OrderCreated' AND event_time_ms >= " + sinceMs);
        long acknowledged = ((Number) over.get("ordersCreated")).longValue() + ((Number) after.get("ordersCreated")).longValue();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("offeredRate", rate);
        r.put("answered2xxPerSecond", over.get("achievedRate"));
        r.put("refusedWithRetryAfter", over.get("refusedWithRetryAfter"));
        r.put("otherErrors", ((Number) over.get("errors")).longValue() - ((Number) over.get("refusedWithRetryAfter")).longValue());
        r.put("skippedByTheClient", over.get("skipped"));
        r.put("refusedLatencyMsP50", over.get("refusedLatencyMsP50"));
        r.put("refusedLatencyMsP99", over.get("refusedLatencyMsP99"));
        r.put("acceptedLatencyMsP99", over.get("acceptedLatencyMsP99"));
        r.put("ordersAcknowledged", acknowledged);
        r.put("acknowledgedInMysql", acknowledgedInMysql);
        r.put("acknowledgedInClickHouse", acknowledgedInClickHouse);
        // Orders stored although the client got no 201 (a refusal after the commit cannot happen; a client timeout can).
        r.put("ordersInMysql", mysqlOrders);
        r.put("ordersInClickHouse", clickHouseOrders);
        r.put("afterwardsErrors", after.get("errors"));
        results.put("overload", r);
        out.printf(Locale.ROOT, "  %s%n", r);
        row("overload", "2xx/s at " + rate + "/s offered", single(over.get("achievedRate")), null, "");
        row("overload", "503 + Retry-After, p99 ms", single(over.get("refusedLatencyMsP99")), null, "quick");
        row("overload", "acknowledged, not in ClickHouse", single(ids.size() - acknowledgedInClickHouse), null,
                "0 (" + ids.size() + " acknowledged, " + acknowledgedInMysql + " of them in MySQL)");
        row("overload", "stored, not in ClickHouse", single(mysqlOrders - clickHouseOrders), null, "0 (" + mysqlOrders + " in MySQL)");
        row("overload", "errors at 100/s afterwards", single(after.get("errors")), null, "0");
    }

    /** One measurement in the min / median / max shape of the report. */
    private static Map<String, Double> single(Object value) {
        return Stats.spread(List.of(((Number) value).doubleValue()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Double> cpuStages(Map<String, Object> run) {
        return (Map<String, Double>) run.get("cpuMicrosPerRequest");
    }

    /**
     * A load, when it ended, when the pipeline had drained it, the app's CPU per 2xx request by stage,
     * and this harness's own (the load generator and the samplers), which shares the cores with it.
     */
    private record Drained(Map<String, Object> load, long loadEnd, long drained, Map<String, Double> cpuPerRequest,
                           double harnessCpuPerRequest) {
    }

    /** The full rate for some seconds, measured until the last event is in ClickHouse (every stage's work is inside). */
    private Drained loadUntilDrained(AppProcess app, int seconds) throws Exception {
        StageCpu before = StageCpu.of(app.pid());
        long harnessBefore = harnessCpuNanos();
        Map<String, Object> load = runLoad(app, e2eRate, seconds);
        long loadEnd = System.currentTimeMillis();
        awaitPipelineIdle();
        long drained = System.currentTimeMillis();
        long requests = ((Number) load.get("ok")).longValue();
        Map<String, Double> cpuPerRequest = new LinkedHashMap<>();
        before.until(StageCpu.of(app.pid())).forEach((stage, ms) ->
                cpuPerRequest.put(stage, (double) Math.round(requests == 0 ? 0 : ms * 1000 / requests)));
        double harness = requests == 0 ? 0 : Math.round((harnessCpuNanos() - harnessBefore) / 1000.0 / requests);
        return new Drained(load, loadEnd, drained, cpuPerRequest, harness);
    }

    private static long harnessCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private interface Sample {
        void take() throws Exception;
    }

    /** A thread taking one sample every periodMs until done counts down; its first failure ends it. */
    private static Thread sampler(String name, CountDownLatch done, AtomicReference<Exception> failure, Sample sample, long periodMs) {
        Thread t = new Thread(() -> {
            try {
                while (done.getCount() > 0) {
                    sample.take();
                    done.await(periodMs, java.util.concurrent.TimeUnit.MILLISECONDS);
                }
            } catch (Exception e) {
                failure.compareAndSet(null, e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private Map<String, Object> runLoad(AppProcess app, int rate, int seconds) throws InterruptedException {
        return new LoadGenerator(app.url(), rate, seconds, 0.3, 256).run(out);
    }

    private long viewOrders() {
        String v = services.clickHouse.query("SELECT sum(order_count) FROM analytics.daily_sales_mv").trim();
        return v.isEmpty() ? 0 : Long.parseLong(v);
    }

    private void awaitPipelineIdle() throws InterruptedException {
        await("pipeline drained", Duration.ofMinutes(5), services::drained);
    }

    // ---- 4. Sink ----------------------------------------------------------------------------------

    /** Rows committed to analytics.orders at once, drained into ClickHouse; beside batched raw inserts of the same rows. */
    private void sink() throws Exception {
        heading("sink: " + sinkRows + " rows from analytics.orders into ClickHouse, x " + reps);
        AppProcess app = AppProcess.start("bench-sink", Map.of("OUTBOX_RELAY_ENABLED", "false", "TRANSFORMER_ENABLED", "false"), OUT);
        List<Double> pipeline = new ArrayList<>();
        List<String> rows = null;
        try {
            warmUpDrains("pipeline", Math.min(sinkRows, 100_000), n -> produceAndDrain(sinkRowsLike(n)));
            for (int i = 0; i < reps; i++) {
                rows = sinkRowsLike(sinkRows);
                double rate = produceAndDrain(rows);
                out.printf(Locale.ROOT, "  pipeline #%d: %.0f rows/s%n", i + 1, rate);
                pipeline.add(rate);
            }
        } finally {
            app.stop();
        }
        // The sink's batch as the app reads it: the raw inserts are that size.
        int sinkBatch = appConfig().bind("app.sink.max-batch", Integer.class).get();
        List<Double> raw = new ArrayList<>();
        List<String> all = rows;
        warmUpDrains("raw insert", Math.min(rows.size(), 100_000), n -> rawInsert(all.subList(0, n), sinkBatch));
        for (int i = 0; i < reps; i++) {
            double rate = rawInsert(rows, sinkBatch);
            out.printf(Locale.ROOT, "  raw insert #%d: %.0f rows/s%n", i + 1, rate);
            raw.add(rate);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("rows", sinkRows);
        r.put("batch", sinkBatch);
        r.put("pipelineRowsPerSecond", Stats.spread(pipeline));
        r.put("rawInsertRowsPerSecond", Stats.spread(raw));
        results.put("sink", r);
        row("sink", "rows/s", Stats.spread(pipeline), Stats.spread(raw), "100,000/s");
    }

    // ---- 5. Restart -------------------------------------------------------------------------------

    /**
     * The app killed (SIGKILL) and started again until healthy, every stage on, with no traffic: as
     * the scripts start it (the extracted jar and its AOT cache or class archive on the java
     * scripts/local/cds.sh picks), and alternately from the packaged jar alone on the java on the
     * PATH, as before the archive.
     */
    private void restart() throws Exception {
        heading("restart: the app killed and started again until healthy, as the scripts start it and from the jar alone, x " + reps);
        List<String> launch = AppProcess.launch(false);
        if (launch.stream().noneMatch(a -> a.startsWith("-XX:SharedArchiveFile=") || a.startsWith("-XX:AOTCache="))) {
            throw new IllegalStateException("no AOT cache or class archive for this jar: scripts/local/cds.sh prepare failed (read target/app/)");
        }
        out.println("  as the scripts start it: " + String.join(" ", launch));
        out.println("  jar alone: " + String.join(" ", AppProcess.launch(true)));
        AppProcess app = AppProcess.start("bench-restart", Map.of(), OUT);
        List<Double> archived = new ArrayList<>();
        List<Double> jarAlone = new ArrayList<>();
        try {
            for (int i = 0; i < reps; i++) {
                for (boolean archive : List.of(true, false)) {
                    app.kill();
                    long started = System.nanoTime();
                    app = AppProcess.start("bench-restart", Map.of(), OUT, archive);
                    double seconds = (System.nanoTime() - started) / 1e9;
                    out.printf(Locale.ROOT, "  #%d %s: healthy after %.1f s%n", i + 1, archive ? "as the scripts start it" : "jar alone", seconds);
                    (archive ? archived : jarAlone).add(seconds);
                }
            }
        } finally {
            app.stop();
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("classArchiveSeconds", Stats.spread(archived));
        r.put("jarAloneSeconds", Stats.spread(jarAlone));
        results.put("restart", r);
        row("restart", "s to healthy", Stats.spread(archived), null, "5 s");
        row("restart", "s, jar alone (before)", Stats.spread(jarAlone), null, "");
    }

    /** Rows as the transformer writes them (70% new orders, the rest status changes), each with a new event id. */
    private static List<String> sinkRowsLike(int n) throws Exception {
        List<String> rows = new ArrayList<>(n);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long now = System.currentTimeMillis();
        String[] statuses = {"PAID", "SHIPPED", "DELIVERED", "CANCELLED"};
        for (int i = 0; i < n; i++) {
            boolean created = r.nextInt(10) < 7;
            String status = created ? "PENDING" : statuses[r.nextInt(statuses.length)];
            long t = now - r.nextInt(60_000);
            rows.add(ONE_LINE.writeValueAsString(new AnalyticsRow(
                    UUID.randomUUID().toString(), created ? "OrderCreated" : "OrderStatusChanged", UUID.randomUUID().toString(),
                    "user-" + r.nextInt(1000), BigDecimal.valueOf(500 + r.nextInt(20000), 2), "USD", status,
                    created ? "" : "PENDING", CH_TIME.format(Instant.ofEpochMilli(t - 5000)), CH_TIME.format(Instant.ofEpochMilli(t)), t)));
        }
        return rows;
    }

    private double produceAndDrain(List<String> rows) throws Exception {
        long base = services.clickHouseLong("SELECT count() FROM analytics.orders_analytics");
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, services.brokers);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-sink-" + UUID.randomUUID());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 262144);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        long t0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (String row : rows) {
                producer.send(new ProducerRecord<>("analytics.orders", row.substring(row.indexOf("\"order_id\":\"") + 12,
                        row.indexOf("\"order_id\":\"") + 48), row));
            }
            // The sink reads committed records only: all of them become visible at this commit.
            producer.commitTransaction();
            t0 = System.nanoTime();
        }
        await("rows in ClickHouse", Duration.ofMinutes(5),
                () -> services.clickHouseLong("SELECT count() FROM analytics.orders_analytics") >= base + rows.size(), 10);
        return rows.size() / ((System.nanoTime() - t0) / 1e9);
    }

    private double rawInsert(List<String> rows, int sinkBatch) {
        long t0 = System.nanoTime();
        for (int i = 0; i < rows.size(); i += sinkBatch) {
            String now = String.valueOf(System.currentTimeMillis());
            services.clickHouse.insertJsonEachRow("analytics.orders_analytics", rows.subList(i, Math.min(rows.size(), i + sinkBatch))
                    .stream().map(r -> r.substring(0, r.length() - 1) + ",\"ingested_ms\":" + now + "}").toList());
        }
        return rows.size() / ((System.nanoTime() - t0) / 1e9);
    }

    // ---- Closed loops, waiting, reporting ---------------------------------------------------------

    /** One client's unit of work; true when it succeeded. */
    /** Workers that each post orders on their own keep-alive connection, closed when they end. */
    private static IntFunction<Worker> orderPosters(URI orders) {
        return i -> new Worker() {
            @Override
            public boolean call() throws Exception {
                return LoadGenerator.post(orders, LoadGenerator.newOrder()).status() == 201;
            }

            @Override
            public void close() {
                LoadGenerator.closeConnection();
            }
        };
    }

        private interface Worker extends AutoCloseable {
        boolean call() throws Exception;

        @Override
        default void close() throws Exception {
        }
    }

    private interface Run {
        Loop get() throws Exception;
    }

    private record Loop(long ok, long errors, double seconds, long[] latencyMicros) {
        double rate() {
            return ok / seconds;
        }

        double p(double percentile) {
            return Stats.percentile(latencyMicros, percentile) / 1000.0;
        }
    }

    private List<Loop> repeat(Run run, String what) throws Exception {
        List<Loop> loops = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            Loop l = run.get();
            out.printf(Locale.ROOT, "  %s #%d: %.0f/s, p50 %.1f ms, p99 %.1f ms, %d errors%n", what, i + 1, l.rate(),
                    l.p(50), l.p(99), l.errors());
            loops.add(l);
        }
        return loops;
    }

    /**
     * Runs the closed loop in 5 s windows until the last three windows' mean is within 3% of the
     * three before (at least 30 s, at most 4 min): the JIT, the heap and the pools keep improving
     * for minutes, and a fixed 20 s warm-up left the measured repetitions climbing (608 → 861 →
     * 995/s on 2026-11-26); two windows in a row can agree while the climb goes on.
     */
    private void warmUp(String what, IntFunction<Worker> workers) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        List<Double> rates = new ArrayList<>();
        boolean steady = false;
        while (!steady && System.nanoTime() < deadline) {
            rates.add(closedLoop(concurrency, 5, workers).rate());
            int n = rates.size();
            if (n >= 6) {
                double before = (rates.get(n - 6) + rates.get(n - 5) + rates.get(n - 4)) / 3;
                double last = (rates.get(n - 3) + rates.get(n - 2) + rates.get(n - 1)) / 3;
                steady = Math.abs(last - before) <= 0.03 * before;
            }
        }
        out.printf(Locale.ROOT, "  %s warm-up (5 s windows, /s): %s%s%n", what,
                rates.stream().map(r -> String.format(Locale.ROOT, "%.0f", r)).toList(), steady ? "" : " - not steady after 4 min");
    }

    /** A backlog of n events (rows) drained; events per second. */
    private interface Drain {
        double of(int n) throws Exception;
    }

    /**
     * Drains backlogs of n until one is at most 5% quicker than the one before (at least 3, at
     * most 10): after one drain of 20,000 the first measured relay drain was a third below the next
     * two (30,222 → 41,009 → 46,056 events/s on 2026-11-27), the JIT still at work.
     */
    private void warmUpDrains(String what, int n, Drain drain) throws Exception {
        List<Double> rates = new ArrayList<>();
        boolean steady = false;
        while (!steady && rates.size() < 10) {
            rates.add(drain.of(n));
            int k = rates.size();
            steady = k >= 3 && rates.get(k - 1) <= 1.05 * rates.get(k - 2);
        }
        out.printf(Locale.ROOT, "  %s warm-up (%d each, /s): %s%s%n", what, n,
                rates.stream().map(r -> String.format(Locale.ROOT, "%.0f", r)).toList(), steady ? "" : " - still climbing");
    }

    /** `threads` clients, each doing its work back to back for `seconds`. */
    private static Loop closedLoop(int threads, int seconds, IntFunction<Worker> workers) throws InterruptedException {
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> all = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            int n = i;
            Thread t = new Thread(() -> {
                try (Worker w = workers.apply(n)) {
                    while (System.nanoTime() < end) {
                        long s = System.nanoTime();
                        boolean success;
                        try {
                            success = w.call();
                        } catch (Exception e) {
                            success = false;
                        }
                        latencies.add((System.nanoTime() - s) / 1000);
                        (success ? ok : errors).incrementAndGet();
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                }
            });
            t.start();
            all.add(t);
        }
        for (Thread t : all) {
            t.join();
        }
        return new Loop(ok.get(), errors.get(), (System.nanoTime() - t0) / 1e9, Stats.sorted(latencies));
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) {
        await(what, timeout, condition, 100);
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition, long pollMillis) {
        Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(pollMillis))
                .until(condition::getAsBoolean);
    }

    private Map<String, Object> loopFigures(List<Loop> loops) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("perSecond", spreadOf(loops, Loop::rate));
        m.put("p50Ms", spreadOf(loops, l -> l.p(50)));
        m.put("p99Ms", spreadOf(loops, l -> l.p(99)));
        m.put("errors", loops.stream().mapToLong(Loop::errors).sum());
        return m;
    }

    private static Map<String, Double> spreadOf(List<Loop> loops, java.util.function.ToDoubleFunction<Loop> f) {
        return Stats.spread(loops.stream().map(f::applyAsDouble).toList());
    }

    private void row(String bench, String figure, Map<String, Double> pipeline, Map<String, Double> raw, String target) {
        String ratio = raw == null ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * pipeline.get("median") / raw.get("median"));
        table.add(new String[] {bench, figure, mmm(pipeline), raw == null ? "-" : mmm(raw), ratio, target});
    }

    private static String mmm(Map<String, Double> m) {
        return String.format(Locale.ROOT, "%s / %s / %s", fmt(m.get("min")), fmt(m.get("median")), fmt(m.get("max")));
    }

    private static String fmt(double d) {
        return d >= 100 ? String.format(Locale.ROOT, "%,.0f", d) : String.format(Locale.ROOT, "%.1f", d);
    }

    private void printTable() throws Exception {
        StringBuilder sb = new StringBuilder();
        String format = "%-7s %-22s %-28s %-28s %-7s %s%n";
        sb.append(String.format(format, "bench", "figure", "pipeline min/median/max", "raw ceiling min/median/max", "ratio", "target"));
        for (String[] r : table) {
            sb.append(String.format(format, (Object[]) r));
        }
        Files.writeString(OUT.resolve("results.txt"), sb.toString());
        out.println();
        out.print(sb);
        out.println("\nresults: " + OUT.resolve("results.json") + ", " + OUT.resolve("results.txt")
                + (Files.exists(OUT.resolve("e2e-latency.png")) ? ", " + OUT.resolve("e2e-latency.png") : ""));
    }

    private void save() throws Exception {
        results.put("table", table);
        Files.writeString(OUT.resolve("results.json"), JSON.writeValueAsString(results));
    }

    private void heading(String text) {
        out.println();
        out.println("== " + text);
    }

    private static int intEnv(String name, int fallback) {
        return Integer.parseInt(LocalStack.env(name, String.valueOf(fallback)));
    }
}
