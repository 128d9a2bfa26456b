package io.orderpipeline.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.json.JsonMapper;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Route-level test of the sink's batch route: ClickHouse's insert and the dead-letter topic are
 * Camel mocks; what is already stored is a fixed answer. Proves what reaches the insert (one
 * request per batch, no event twice) and what goes to the dead letters.
 */
class ClickHouseSinkRouteTest extends CamelTestSupport {

    static final String A = "00000000-0000-0000-0000-00000000000a";
    static final String B = "00000000-0000-0000-0000-00000000000b";
    static final String C = "00000000-0000-0000-0000-00000000000c";

    final List<Collection<String>> lookups = new ArrayList<>();
    final StoredEvents stored = (ids, min, max) -> {
        lookups.add(List.copyOf(ids));
        return Set.of(B); // B is in ClickHouse already
    };

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new ClickHouseSinkRoutes(stored, null, new SimpleMeterRegistry());
    }

    @Override
    protected java.util.Properties useOverridePropertiesWithPropertiesComponent() {
        java.util.Properties p = new java.util.Properties();
        p.put("app.kafka.topics.analytics-orders", "analytics.orders");
        p.put("app.kafka.topics.analytics-orders-dlq", "analytics.orders.dlq");
        return p;
    }

    @Test
    void aBatchIsInsertedOnceWithoutEventsStoredAlreadyOrRepeatedAndBadRecordsGoToTheDeadLetters() throws Exception {
        AdviceWith.adviceWith(context, "clickhouse-sink", r -> {
            r.weaveByToUri(ClickHouseSinkRoutes.INSERT).replace().to("mock:insert");
            r.weaveByToUri("kafka:*").replace().to("mock:dlq");
        });
        context.start();
        MockEndpoint insert = getMockEndpoint("mock:insert");
        insert.expectedMessageCount(1);
        MockEndpoint dlq = getMockEndpoint("mock:dlq");
        dlq.expectedMessageCount(2);

        template.sendBody(ClickHouseSinkRoutes.BATCH, SinkBatch.of(List.of(
                record(0, row(A, "2026-11-25 10:00:00")),
                record(1, row(B, "2026-11-25 10:00:01")),          // stored already
                record(2, "not json"),                              // refused before ClickHouse
                record(3, row(A, "2026-11-25 10:00:00")),          // A again, in the same batch
                record(4, row(C, "2026-11-25T10:00:02Z")),         // ISO time is fine
                record(5, "{\"event_id\":\"nope\"}")), new JsonMapper()));

        MockEndpoint.assertIsSatisfied(context);
        @SuppressWarnings("unchecked")
        List<SinkRow> rows = insert.getReceivedExchanges().get(0).getIn().getBody(List.class);
        assertThat(rows).extracting(SinkRow::eventId).containsExactly(A, C);
        assertThat(rows).extracting(SinkRow::offset).containsExactly(0L, 4L);
        assertThat(rows.get(0).row().get("kafka_offset").asLong()).isZero();
        assertThat(rows.get(1).row().get("kafka_partition").asInt()).isEqualTo(3);
        assertThat(lookups).hasSize(1);
        assertThat(lookups.get(0)).containsExactlyInAnyOrder(A, B, C);
        assertThat(dlq.getReceivedExchanges()).extracting(e -> e.getIn().getHeader("dlq.reason"))
                .containsExactly("value is not valid JSON", "event_id missing or not a UUID");
        assertThat(dlq.getReceivedExchanges()).extracting(e -> e.getIn().getHeader(KafkaConstants.KEY))
                .containsExactly("k2", "k5");
    }

    static ConsumerRecord<String, String> record(long offset, String value) {
        return new ConsumerRecord<>("analytics.orders", 3, offset, "k" + offset, value);
    }

    static String row(String eventId, String eventTime) {
        return "{\"event_id\":\"" + eventId + "\",\"event_type\":\"OrderCreated\",\"order_id\":\"o\",\"user_id\":\"u\","
                + "\"total_amount\":10.00,\"status\":\"PENDING\",\"created_at\":\"2026-11-25 10:00:00\",\"event_time\":\""
                + eventTime + "\"}";
    }
}
