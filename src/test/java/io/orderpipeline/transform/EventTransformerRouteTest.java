package io.orderpipeline.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.json.JsonMapper;

import io.orderpipeline.platform.LocalStack;

import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

/**
 * Route-level test of routes/event-transformer.camel.yaml, the file a deployment runs: Kafka on
 * both ends replaced by Camel mocks, the mapping and the commit step real.
 */
class EventTransformerRouteTest extends CamelTestSupport {

    static final String EVENT_ID = "5b1c6a7e-3f7a-4a49-9d55-0a1b2c3d4e5f";
    final AtomicInteger commits = new AtomicInteger();

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = new Properties();
        p.putAll(Map.of("app.transformer.enabled", "true", "app.transformer.group-id", "g",
                "app.transformer.consumers", "1", "app.transformer.max-poll-records", "10",
                "app.kafka.topics.order-events", "order.events", "app.kafka.topics.order-events-dlq", "order.events.dlq",
                "app.kafka.topics.analytics-orders", "analytics.orders"));
        return p;
    }

    @Override
    protected void bindToRegistry(org.apache.camel.spi.Registry registry) {
        OrderEventMapper mapper = new OrderEventMapper(JsonMapper.builder().findAndAddModules().build());
        registry.bind("orderEventMapper", mapper);
        registry.bind("eventTransformer", new EventTransformer(mapper));
    }

    void startRoute() throws Exception {
        String file = "file:" + LocalStack.projectFile("routes/event-transformer.camel.yaml");
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.resolveResource(context, file));
        AdviceWith.adviceWith(context, "event-transformer", route -> {
            route.replaceFromWith("direct:order-events");
            route.weaveById("to-analytics-orders").replace().to("mock:analytics-orders");
            route.weaveById("to-dead-letters").replace().to("mock:dlq");
            route.weaveById("count-transformed").remove();
            route.weaveById("count-dead-lettered").remove();
        });
        context.start();
    }

    @Test
    void anEventBecomesOneRowKeyedByOrderAndItsOffsetIsCommittedAfterward() throws Exception {
        startRoute();
        MockEndpoint rows = getMockEndpoint("mock:analytics-orders");
        rows.expectedMessageCount(1);
        rows.expectedHeaderReceived(KafkaConstants.KEY, "o-9");
        rows.expectedHeaderReceived("id", EVENT_ID);
        // No time in the seed's payload: the event's is the record's (the outbox row's), and it travels on.
        rows.expectedHeaderReceived(KafkaConstants.OVERRIDE_TIMESTAMP, java.time.Instant.parse("2026-11-25T08:26:40Z").toEpochMilli());
        getMockEndpoint("mock:dlq").expectedMessageCount(0);

        template.sendBodyAndHeaders("direct:order-events",
                "{\"orderId\":\"o-9\",\"userId\":\"u\",\"totalAmount\":12.30,\"status\":\"PENDING\"}",
                Map.of("id", EVENT_ID.getBytes(), "eventType", "OrderCreated".getBytes(),
                        KafkaConstants.TIMESTAMP, java.time.Instant.parse("2026-11-25T08:26:40Z").toEpochMilli(), KafkaConstants.MANUAL_COMMIT, commit(),
                        "User-Agent", "must not travel on"));

        MockEndpoint.assertIsSatisfied(context);
        String body = rows.getReceivedExchanges().get(0).getIn().getBody(String.class);
        assertThat(body).contains("\"order_id\":\"o-9\"", "\"total_amount\":12.30", "\"created_at\":\"2026-11-25 08:26:40\"");
        assertThat(rows.getReceivedExchanges().get(0).getIn().getHeaders()).doesNotContainKey("User-Agent");
        assertThat(commits).hasValue(1);
    }

    @Test
    void poisonGoesToTheDeadLetterTopicWithItsReasonAndIsCommittedToo() throws Exception {
        startRoute();
        MockEndpoint dlq = getMockEndpoint("mock:dlq");
        dlq.expectedMessageCount(1);
        dlq.expectedHeaderReceived("dlq.reason", "unknown event type 'OrderExploded'");
        dlq.expectedHeaderReceived(KafkaConstants.KEY, "o-1");
        getMockEndpoint("mock:analytics-orders").expectedMessageCount(0);

        template.sendBodyAndHeaders("direct:order-events", "{\"orderId\":\"o-1\"}",
                Map.of("id", EVENT_ID.getBytes(), "eventType", "OrderExploded".getBytes(), KafkaConstants.KEY, "o-1",
                        KafkaConstants.MANUAL_COMMIT, commit()));

        MockEndpoint.assertIsSatisfied(context);
        assertThat(commits).hasValue(1);
    }

    @Test
    void aFailedSendIsNotCommitted() throws Exception {
        startRoute();
        getMockEndpoint("mock:analytics-orders").whenAnyExchangeReceived(e -> {
            throw new IllegalStateException("broker gone");
        });

        template.send("direct:order-events", e -> {
            e.getIn().setBody("{\"orderId\":\"o-3\",\"userId\":\"u\",\"totalAmount\":1,\"status\":\"PENDING\"}");
            e.getIn().setHeaders(new java.util.HashMap<>(Map.of("id", EVENT_ID.getBytes(), "eventType",
                    "OrderCreated".getBytes(), KafkaConstants.MANUAL_COMMIT, commit())));
        });

        assertThat(commits).hasValue(0);
    }

    @Test
    void onlyThePartitionsLastRecordOfAPollCommits() throws Exception {
        startRoute();
        getMockEndpoint("mock:analytics-orders").expectedMessageCount(3);

        for (boolean last : new boolean[] {false, false, true}) {
            template.sendBodyAndHeaders("direct:order-events", "{\"orderId\":\"o-4\",\"userId\":\"u\",\"totalAmount\":1,\"status\":\"PENDING\"}",
                    Map.of("id", UUID.randomUUID().toString().getBytes(), "eventType", "OrderCreated".getBytes(),
                            KafkaConstants.MANUAL_COMMIT, commit(), KafkaConstants.LAST_RECORD_BEFORE_COMMIT, last));
        }

        MockEndpoint.assertIsSatisfied(context);
        assertThat(commits).hasValue(1);
    }

    KafkaManualCommit commit() {
        return new KafkaManualCommit() {
            @Override
            public void commit() {
                commits.incrementAndGet();
            }
        };
    }
}
