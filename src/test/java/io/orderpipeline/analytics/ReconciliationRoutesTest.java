package io.orderpipeline.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

/**
 * Route-level test of the scheduled reconciliation: its master/timer consumer replaced by a direct
 * endpoint, the reconciliation itself by a mock. What an alert reads from each outcome: a run that
 * finds differences, an exact one, and one that fails.
 */
class ReconciliationRoutesTest extends CamelTestSupport {

    final Reconciliation reconciliation = mock(Reconciliation.class);
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties props = new Properties();
        props.put("app.reconcile.scheduled", "true");
        props.put("app.reconcile.interval", "1m30s");
        return props;
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new ReconciliationRoutes(reconciliation, meters, true, "1m30s");
    }

    void startOnDirect() throws Exception {
        AdviceWith.adviceWith(context, "reconciliation", route -> route.replaceFromWith("direct:run"));
        context.start();
    }

    double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    static Reconciliation.Report report(long mysqlOrders, long clickhouseOrders) {
        Reconciliation.Line line = new Reconciliation.Line("status", "PAID", mysqlOrders, clickhouseOrders,
                BigDecimal.TEN, BigDecimal.TEN);
        boolean exact = mysqlOrders == clickhouseOrders;
        return new Reconciliation.Report(exact, Instant.parse("2026-11-27T20:00:00Z"), List.of(line),
                exact ? Set.of() : Set.of("status PAID"));
    }

    @Test
    void theIntervalIsReadAsCamelsTimerReadsIt() {
        assertThat(gauge("pipeline.reconciliation.interval.seconds")).isEqualTo(90);
    }

    @Test
    void anInstanceWithoutTheScheduleReportsNoInterval() {
        SimpleMeterRegistry unscheduled = new SimpleMeterRegistry();
        new ReconciliationRoutes(reconciliation, unscheduled, false, "5m");

        assertThat(unscheduled.get("pipeline.reconciliation.interval.seconds").gauge().value()).isZero();
    }

    @Test
    void eachRunSetsTheDifferencesAndWhenItFinished() throws Exception {
        when(reconciliation.run()).thenReturn(report(5, 3), report(5, 5));
        startOnDirect();
        long before = System.currentTimeMillis() / 1000;

        template.sendBody("direct:run", null);

        assertThat(gauge("pipeline.reconciliation.differences")).isEqualTo(1);
        assertThat(gauge("pipeline.reconciliation.last.run.timestamp.seconds")).isGreaterThanOrEqualTo(before);

        template.sendBody("direct:run", null);

        assertThat(gauge("pipeline.reconciliation.differences")).isZero();
        assertThat(meters.get("pipeline.reconciliation.failures").counter().count()).isZero();
    }

    @Test
    void aRunThatFailsIsCountedAndLeavesTheLastRunAsItWas() throws Exception {
        when(reconciliation.run()).thenReturn(report(5, 3))
                .thenThrow(new IllegalStateException("ClickHouse: Connection refused"));
        startOnDirect();
        template.sendBody("direct:run", null);
        double lastRun = gauge("pipeline.reconciliation.last.run.timestamp.seconds");

        // The route handles the failure (a WARN), so the schedule goes on.
        template.sendBody("direct:run", null);

        assertThat(meters.get("pipeline.reconciliation.failures").counter().count()).isEqualTo(1);
        assertThat(gauge("pipeline.reconciliation.last.run.timestamp.seconds")).isEqualTo(lastRun);
        assertThat(gauge("pipeline.reconciliation.differences")).as("the last finished run's").isEqualTo(1);
    }
}
