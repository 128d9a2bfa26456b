package io.orderpipeline.ops;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.orderpipeline.outbox.OutboxMetrics;

/**
 * Each hop's backlog, rate and dead letters, as gauges on /actuator/prometheus and as one document
 * for the built-in page (GET /api/pipeline): the same numbers, taken by the pipeline-view route
 * every few seconds on every instance (lag and dead letters are the cluster's; rates are this
 * instance's).
 */
public class PipelineView {

    /** One hop between two stages on Kafka. */
    public record Hop(String stage, String group, String topic, long lag) {
    }

    /** Events per second through each stage on this instance, over the last refresh interval. */
    public record Rates(double relay, double transformer, double sink) {
    }

    /** Seconds from an event to its row in ClickHouse, over the last two minutes (0 when none landed). */
    public record Freshness(double p50Seconds, double p99Seconds, double maxSeconds, long events) {
    }

    public record Outbox(long pendingRows, double oldestPendingAgeSeconds, long heldOrders, long deadLettersWaiting) {
    }

    public record Status(Instant takenAt, Outbox outbox, List<Hop> hops, Rates ratesPerSecond, Freshness freshness,
                         Map<String, Long> deadLetterRecords, String problem) {
    }

    private static final long UNKNOWN = -1;

    private final KafkaBacklog kafka;
    private final OutboxMetrics outbox;
    private final MeterRegistry meters;
    private final Map<String, AtomicLong> lag = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> deadLetters = new ConcurrentHashMap<>();
    private volatile Status last;
    private final Map<String, double[]> previousCounts = new ConcurrentHashMap<>();

    public PipelineView(KafkaBacklog kafka, OutboxMetrics outbox, MeterRegistry meters, List<String> deadLetterTopics) {
        this.kafka = kafka;
        this.outbox = outbox;
        this.meters = meters;
        // NaN until first measured: a 0 at start would read as a jump to the real value (an alert on
        // a new dead letter after every restart).
        for (KafkaBacklog.Stage s : kafka.stages()) {
            AtomicLong v = new AtomicLong(UNKNOWN);
            lag.put(s.name(), v);
            Gauge.builder("pipeline.consumer.lag.records", v, PipelineView::value)
                    .description("Records committed to the stage's topic that its group has not read (read_committed)")
                    .tags("stage", s.name(), "group", s.group(), "topic", s.topic()).register(meters);
        }
        for (String topic : deadLetterTopics) {
            AtomicLong v = new AtomicLong(UNKNOWN);
            deadLetters.put(topic, v);
            Gauge.builder("pipeline.dead.letter.records", v, PipelineView::value)
                    .description("Records on the dead-letter topic (committed ones, counted by reading them)")
                    .tags("topic", topic).register(meters);
        }
        last = new Status(Instant.now(), outbox(), List.of(), new Rates(0, 0, 0), freshness(), Map.of(), "not measured yet");
    }

    private static double value(AtomicLong v) {
        long n = v.get();
        return n == UNKNOWN ? Double.NaN : n;
    }

    /** The pipeline-view route's step: reads Kafka, updates the gauges, keeps the document. */
    public void refresh() {
        String problem = null;
        List<Hop> hops = new ArrayList<>();
        Map<String, Long> dead = new LinkedHashMap<>();
        try {
            Map<String, Long> lags = kafka.lag();
            for (KafkaBacklog.Stage s : kafka.stages()) {
                long v = lags.getOrDefault(s.name(), 0L);
                lag.get(s.name()).set(v);
                hops.add(new Hop(s.name(), s.group(), s.topic(), v));
            }
            dead.putAll(kafka.deadLetters());
            dead.forEach((topic, n) -> {
                AtomicLong gauge = deadLetters.get(topic);
                if (gauge != null) {
                    gauge.set(n);
                }
            });
        } catch (Exception e) {
            // Kafka away: the gauges keep their last values, the page says why they are old.
            problem = "Kafka: " + e.getMessage();
        }
        last = new Status(Instant.now(), outbox(), hops, rates(), freshness(), dead, problem);
    }

    public Status status() {
        return last;
    }

    private Outbox outbox() {
        return new Outbox(outbox.pending(), outbox.oldestPendingAgeSeconds(), outbox.heldOrders(), outbox.deadLettersWaiting());
    }

    private Rates rates() {
        return new Rates(rate("relay", count("outbox.events.published", null)),
                rate("transformer", count("camel.exchanges.total", "event-transformer")),
                rate("sink", count("pipeline.sink.rows.inserted", null)));
    }

    private double count(String name, String routeId) {
        var search = meters.find(name);
        if (routeId != null) {
            search = search.tag("routeId", routeId);
        }
        Counter c = search.counter();
        if (c != null) {
            return c.count();
        }
        var f = search.functionCounter();
        return f == null ? 0 : f.count();
    }

    private double rate(String stage, double count) {
        long now = System.nanoTime();
        double[] before = previousCounts.put(stage, new double[] {count, now});
        if (before == null || now <= before[1]) {
            return 0;
        }
        return Math.max(0, (count - before[0]) / ((now - before[1]) / 1e9));
    }

    private Freshness freshness() {
        Timer t = meters.find("pipeline.sink.event.age").timer();
        if (t == null) {
            return new Freshness(0, 0, 0, 0);
        }
        var snapshot = t.takeSnapshot();
        double p50 = 0;
        double p99 = 0;
        for (ValueAtPercentile v : snapshot.percentileValues()) {
            if (v.percentile() == 0.5) {
                p50 = v.value(TimeUnit.SECONDS);
            } else if (v.percentile() == 0.99) {
                p99 = v.value(TimeUnit.SECONDS);
            }
        }
        return new Freshness(p50, p99, snapshot.max(TimeUnit.SECONDS), snapshot.count());
    }
}
