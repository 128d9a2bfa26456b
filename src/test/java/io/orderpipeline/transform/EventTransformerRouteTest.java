package io.orderpipeline.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.json.JsonMapper;

import io.orderpipeline.platform.KafkaOffsets;
import io.orderpipeline.platform.LocalStack;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Route-level test of routes/event-transformer.camel.yaml, the file a deployment runs: a batch as
 * camel-kafka's batching consumer hands it over, the send to Kafka replaced by a Camel mock, the
 * mapping real, and the offsets committed to Kafka's MockConsumer.
 */
class EventTransformerRouteTest extends CamelTestSupport {

    static final String EVENT_ID = "5b1c6a7e-3f7a-4a49-9d55-0a1b2c3d4e5f";
    static final TopicPartition P0 = new TopicPartition("order.events", 0);
    static final TopicPartition P1 = new TopicPartition("order.events", 1);
    final MockConsumer<Object, Object> kafka = new MockConsumer<>(OffsetResetStrategy.EARLIEST);

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = new Properties();
        p.putAll(Map.of("app.transformer.enabled", "true", "app.transformer.group-id", "g",
                "app.transformer.consumers", "1", "app.transformer.max-poll-records", "10", "app.transformer.poll-timeout-ms", "20",
                "app.kafka.topics.order-events", "order.events", "app.kafka.topics.order-events-dlq", "order.events.dlq",
                "app.kafka.topics.analytics-orders", "analytics.orders"));
        return p;
    }

    @Override
    protected void bindToRegistry(org.apache.camel.spi.Registry registry) {
        OrderEventMapper mapper = new OrderEventMapper(JsonMapper.builder().findAndAddModules().build());
        registry.bind("orderEventMapper", mapper);
        registry.bind("eventTransformer", new EventTransformer(mapper, "order.events.dlq"));
        registry.bind("transformerOffsets", new KafkaOffsets(Duration.ofSeconds(1)));
    }

    void startRoute() throws Exception {
        String file = "file:" + LocalStack.projectFile("routes/event-transformer.camel.yaml");
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.resolveResource(context, file));
        AdviceWith.adviceWith(context, "event-transformer", route -> {
            route.replaceFromWith("direct:order-events");
            route.weaveById("to-analytics-orders").replace().to("mock:kafka");
            route.weaveById("count-transformed").remove();
            route.weaveById("count-dead-lettered").remove();
        });
        context.start();
        kafka.assign(List.of(P0, P1));
    }

    @Test
    void aBatchGoesOutInOneSendRowsKeyedByOrderPoisonAddressedToTheDeadLetterTopicThenItsOffsetsAreCommitted() throws Exception {
        startRoute();
        MockEndpoint out = getMockEndpoint("mock:kafka");
        out.expectedMessageCount(1);

        long eventTime = Instant.parse("2026-11-25T08:26:40Z").toEpochMilli();
        send(List.of(
                // No time in the seed's payload: the event's is the record's (the outbox row's), and it travels on.
                record(P0, 5, "{\"orderId\":\"o-9\",\"userId\":\"u\",\"totalAmount\":12.30,\"status\":\"PENDING\"}",
                        Map.of("id", EVENT_ID.getBytes(), "eventType", "OrderCreated".getBytes(), KafkaConstants.TIMESTAMP, eventTime,
                                "User-Agent", "must not travel on")),
                record(P1, 3, "{\"orderId\":\"o-1\"}", Map.of("id", "e-2".getBytes(), "eventType", "OrderExploded".getBytes(),
                        KafkaConstants.KEY, "o-1")),
                record(P0, 6, "{\"orderId\":\"o-9\",\"userId\":\"u\",\"totalAmount\":12.30,\"status\":\"PAID\",\"previousStatus\":\"PENDING\"}",
                        Map.of("id", "6c2d7b8f-4a8b-4b5a-8e66-1b2c3d4e5f60".getBytes(), "eventType", "OrderStatusChanged".getBytes(), KafkaConstants.TIMESTAMP, eventTime))));

        MockEndpoint.assertIsSatisfied(context);
        Exchange batch = out.getReceivedExchanges().get(0);
        List<Message> sent = messages(batch);
        assertThat(sent).hasSize(3);

        Message row = sent.get(0);
        assertThat(row.getHeader(KafkaConstants.KEY)).isEqualTo("o-9");
        assertThat(row.getHeader("id")).isEqualTo(EVENT_ID);
        assertThat(row.getHeader(KafkaConstants.OVERRIDE_TIMESTAMP)).isEqualTo(eventTime);
        assertThat(row.getHeader(KafkaConstants.OVERRIDE_TOPIC)).isNull();
        assertThat(row.getHeaders()).doesNotContainKey("User-Agent").doesNotContainKey(KafkaConstants.MANUAL_COMMIT);
        assertThat(row.getBody(String.class)).contains("\"order_id\":\"o-9\"", "\"total_amount\":12.30",
                "\"created_at\":\"2026-11-25 08:26:40\"");

        Message poison = sent.get(1);
        assertThat(poison.getHeader(KafkaConstants.OVERRIDE_TOPIC)).isEqualTo("order.events.dlq");
        assertThat(poison.getHeader("dlq.reason")).isEqualTo("unknown event type 'OrderExploded'");
        assertThat(poison.getHeader("dlq.origin")).isEqualTo("order.events/1/3");
        assertThat(poison.getHeader(KafkaConstants.KEY)).isEqualTo("o-1");

        assertThat(sent.get(2).getHeader(KafkaConstants.OVERRIDE_TOPIC)).as("%s", sent.get(2).getHeaders()).isNull();
        assertThat(batch.getProperty(EventTransformer.TRANSFORMED)).isEqualTo(2);
        assertThat(batch.getProperty(EventTransformer.DEAD_LETTERED)).isEqualTo(1);
        // After the send: each partition's next offset, in one commit.
        assertThat(kafka.committed(java.util.Set.of(P0, P1))).containsEntry(P0, new OffsetAndMetadata(7))
                .containsEntry(P1, new OffsetAndMetadata(4));
    }

    @Test
    void aFailedSendCommitsNothing() throws Exception {
        startRoute();
        getMockEndpoint("mock:kafka").whenAnyExchangeReceived(e -> {
            throw new IllegalStateException("broker gone");
        });

        Exchange result = send(List.of(record(P0, 5, "{\"orderId\":\"o-3\",\"userId\":\"u\",\"totalAmount\":1,\"status\":\"PENDING\"}",
                Map.of("id", EVENT_ID.getBytes(), "eventType", "OrderCreated".getBytes()))));

        assertThat(result.getException()).hasMessageContaining("broker gone");
        assertThat(kafka.committed(java.util.Set.of(P0))).doesNotContainKey(P0);
    }

    @Test
    void aPartitionARebalanceTookAwayIsNeitherSentNorCommitted() throws Exception {
        startRoute();
        getMockEndpoint("mock:kafka").expectedMessageCount(1);
        List<Exchange> records = List.of(
                record(P0, 1, "{\"orderId\":\"o-5\",\"userId\":\"u\",\"totalAmount\":1,\"status\":\"PENDING\"}",
                        Map.of("id", "7d3e8c9a-5b9c-4c6b-9f77-2c3d4e5f6071".getBytes(), "eventType", "OrderCreated".getBytes())),
                record(P1, 8, "{\"orderId\":\"o-6\",\"userId\":\"u\",\"totalAmount\":1,\"status\":\"PENDING\"}",
                        Map.of("id", "8e4f9dab-6cad-4d7c-a088-3d4e5f607182".getBytes(), "eventType", "OrderCreated".getBytes())));
        kafka.assign(List.of(P0)); // a poll between the records' and the commit gave P1 to another instance

        send(records);

        MockEndpoint.assertIsSatisfied(context);
        assertThat(messages(getMockEndpoint("mock:kafka").getReceivedExchanges().get(0))).singleElement()
                .satisfies(m -> assertThat(m.getHeader(KafkaConstants.KEY)).isEqualTo("o-5"));
        assertThat(kafka.committed(java.util.Set.of(P0, P1))).containsEntry(P0, new OffsetAndMetadata(2)).doesNotContainKey(P1);
    }

    /** As camel-kafka's batching consumer hands a batch to the route: one exchange whose body lists the records. */
    Exchange send(List<Exchange> records) {
        return template.send("direct:order-events", e -> e.getIn().setBody(records));
    }

    Exchange record(TopicPartition tp, long offset, String value, Map<String, Object> headers) {
        Exchange e = new DefaultExchange(context);
        e.getIn().setHeaders(new HashMap<>(headers));
        e.getIn().setHeader(KafkaConstants.TOPIC, tp.topic());
        e.getIn().setHeader(KafkaConstants.PARTITION, tp.partition());
        e.getIn().setHeader(KafkaConstants.OFFSET, offset);
        e.getIn().setHeader(KafkaConstants.MANUAL_COMMIT, new KafkaOffsets.Handle(kafka, Duration.ofSeconds(1)));
        e.getIn().setBody(value);
        return e;
    }

    @SuppressWarnings("unchecked")
    static List<Message> messages(Exchange batch) {
        return ((List<Exchange>) batch.getIn().getBody(List.class)).stream().map(Exchange::getIn).toList();
    }
}
