package io.orderpipeline.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orderpipeline.outbox.OutboxMetrics;

import org.junit.jupiter.api.Test;

/** The pipeline view's gauges and document carry the same numbers, and keep the last ones while Kafka is away. */
class PipelineViewTest {

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final KafkaBacklog kafka = mock(KafkaBacklog.class);
    final OutboxMetrics outbox = mock(OutboxMetrics.class);

    PipelineView view() {
        when(kafka.stages()).thenReturn(List.of(new KafkaBacklog.Stage("transformer", "tg", "order.events"),
                new KafkaBacklog.Stage("sink", "sg", "analytics.orders")));
        return new PipelineView(kafka, outbox, meters, List.of("order.events.dlq", "analytics.orders.dlq"));
    }

    double gauge(String name, String tag, String value) {
        return meters.find(name).tag(tag, value).gauge().value();
    }

    @Test
    void lagAndDeadLettersAreTheSameInTheGaugesAndTheDocument() throws Exception {
        PipelineView view = view();
        when(kafka.lag()).thenReturn(Map.of("transformer", 7L, "sink", 1200L));
        when(kafka.deadLetters()).thenReturn(Map.of("order.events.dlq", 2L, "analytics.orders.dlq", 0L));
        when(outbox.pending()).thenReturn(30L);

        view.refresh();

        assertThat(gauge("pipeline.consumer.lag.records", "stage", "sink")).isEqualTo(1200);
        assertThat(gauge("pipeline.consumer.lag.records", "stage", "transformer")).isEqualTo(7);
        assertThat(gauge("pipeline.dead.letter.records", "topic", "order.events.dlq")).isEqualTo(2);
        PipelineView.Status s = view.status();
        assertThat(s.hops()).extracting(PipelineView.Hop::stage, PipelineView.Hop::lag)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("transformer", 7L), org.assertj.core.groups.Tuple.tuple("sink", 1200L));
        assertThat(s.deadLetterRecords()).containsEntry("order.events.dlq", 2L);
        assertThat(s.outbox().pendingRows()).isEqualTo(30);
        assertThat(s.problem()).isNull();
    }

    @Test
    void kafkaAwayKeepsTheLastNumbersAndSaysWhy() throws Exception {
        PipelineView view = view();
        when(kafka.lag()).thenReturn(Map.of("transformer", 5L, "sink", 6L));
        when(kafka.deadLetters()).thenReturn(Map.of());
        view.refresh();
        when(kafka.lag()).thenThrow(new java.util.concurrent.TimeoutException("no broker"));

        view.refresh();

        assertThat(gauge("pipeline.consumer.lag.records", "stage", "sink")).isEqualTo(6);
        assertThat(view.status().problem()).contains("no broker");
    }
}
