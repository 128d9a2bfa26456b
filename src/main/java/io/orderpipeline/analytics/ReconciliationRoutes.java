package io.orderpipeline.analytics;

import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.util.TimeUtils;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The reconciliation on a schedule, on one instance at a time, so that an alert can say when MySQL
 * and ClickHouse disagree: pipeline_reconciliation_differences (keys that differed in every read
 * of the last run; 0 when exact) and pipeline_reconciliation_last_run_timestamp_seconds. A run from
 * GET /api/analytics/reconciliation updates them too. A run that fails counts in
 * pipeline_reconciliation_failures_total and leaves the timestamp as it was; with
 * pipeline_reconciliation_interval_seconds (0: not scheduled here) an alert can tell a
 * reconciliation that has stopped finishing (PipelineReconciliationStale) from one not scheduled.
 */
@Component("reconciliationRoutes")
public class ReconciliationRoutes extends RouteBuilder {

    private final Reconciliation reconciliation;
    private final AtomicLong differences = new AtomicLong();
    private final AtomicLong lastRun = new AtomicLong();
    private final Counter failures;

    public ReconciliationRoutes(Reconciliation reconciliation, MeterRegistry meters,
                                @Value("${app.reconcile.scheduled}") boolean scheduled,
                                @Value("${app.reconcile.interval}") String interval) {
        this.reconciliation = reconciliation;
        // Camel's own reading of the timer's period, so that "1m30s" means here what it means there.
        long intervalSeconds = scheduled ? TimeUtils.toMilliSeconds(interval) / 1000 : 0;
        Gauge.builder("pipeline.reconciliation.differences", differences, AtomicLong::get)
                .description("Keys where MySQL and ClickHouse differed in every read of the last reconciliation")
                .register(meters);
        Gauge.builder("pipeline.reconciliation.last.run.timestamp.seconds", lastRun, AtomicLong::get)
                .description("When the last reconciliation finished (epoch seconds; 0: none yet)").register(meters);
        Gauge.builder("pipeline.reconciliation.interval.seconds", () -> intervalSeconds)
                .description("How often this instance runs the reconciliation when it leads (0: not scheduled here)")
                .register(meters);
        failures = Counter.builder("pipeline.reconciliation.failures")
                .description("Reconciliations that failed (the scheduled ones and the API's)").register(meters);
    }

    @Override
    public void configure() {
        from("master:reconciliation:timer:reconciliation?delay={{app.reconcile.interval}}&period={{app.reconcile.interval}}")
                .routeId("reconciliation")
                .autoStartup("{{app.reconcile.scheduled}}")
                .onException(Exception.class).handled(true)
                    .log(LoggingLevel.WARN, "${routeId} failed: ${exception.message}").end()
                .process(e -> {
                    long started = System.nanoTime();
                    Reconciliation.Report report = run();
                    long ms = (System.nanoTime() - started) / 1_000_000;
                    if (report.exact()) {
                        log.info("Reconciliation at {}: exact ({} ms)", report.watermark(), ms);
                    } else {
                        log.warn("Reconciliation at {}: {} key(s) differ ({} ms)\n{}", report.watermark(),
                                report.differences().size(), ms, Reconciliation.table(report));
                    }
                });
    }

    /** Runs the reconciliation and records its outcome in the gauges. */
    public Reconciliation.Report run() {
        Reconciliation.Report report;
        try {
            report = reconciliation.run();
        } catch (RuntimeException e) {
            failures.increment();
            throw e;
        }
        differences.set(report.differences().size());
        lastRun.set(System.currentTimeMillis() / 1000);
        return report;
    }
}
