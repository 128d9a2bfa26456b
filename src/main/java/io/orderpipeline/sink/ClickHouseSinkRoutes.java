package io.orderpipeline.sink;

import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.springframework.stereotype.Component;

/**
 * What the sink does with one polled batch of analytics.orders (ClickHouseSinkConsumer owns the
 * polling and the offsets): drop events stored already, insert the rest in one request, send
 * refused rows to analytics.orders.dlq. Any failure propagates to the consumer, which commits
 * nothing and retries the batch.
 */
@Component
public class ClickHouseSinkRoutes extends RouteBuilder {

    public static final String BATCH = "direct:clickhouse-sink";
    public static final String INSERT = "direct:clickhouse-insert";
    static final String REFUSED = "refusedRows";

    private final StoredEvents stored;
    private final ClickHouseWriter writer;
    private final Counter inserted;
    private final Counter duplicates;
    private final Counter deadLettered;

    public ClickHouseSinkRoutes(StoredEvents stored, ClickHouseWriter writer, MeterRegistry meters) {
        this.stored = stored;
        this.writer = writer;
        this.inserted = Counter.builder("pipeline.sink.rows.inserted").description("Rows inserted into ClickHouse")
                .register(meters);
        this.duplicates = Counter.builder("pipeline.sink.duplicates.dropped")
                .description("Events dropped because ClickHouse holds them already").register(meters);
        this.deadLettered = Counter.builder("pipeline.sink.dead.lettered")
                .description("Rows sent to the sink's dead-letter topic").register(meters);
    }

    @Override
    public void configure() {
        from(BATCH).routeId("clickhouse-sink")
                .process(e -> {
                    SinkBatch batch = e.getIn().getBody(SinkBatch.class);
                    batch.dropStored(stored);
                    duplicates.increment(batch.duplicates());
                    e.setProperty(REFUSED, batch.refused());
                    e.getIn().setBody(batch.rows());
                })
                .filter(simple("${body.size} > 0"))
                    .to(INSERT)
                .end()
                .split(exchangeProperty(REFUSED)).stopOnException()
                    .process(e -> {
                        RefusedRow r = e.getIn().getBody(RefusedRow.class);
                        e.getIn().removeHeaders("*");
                        e.getIn().setHeader(KafkaConstants.KEY, r.key());
                        e.getIn().setHeader("dlq.reason", r.reason());
                        e.getIn().setHeader("dlq.source", "clickhouse-sink");
                        e.getIn().setHeader("dlq.origin", "{{app.kafka.topics.analytics-orders}}/" + r.partition() + "/" + r.offset());
                        e.getIn().setBody(r.value());
                    })
                    .log(org.apache.camel.LoggingLevel.WARN, "Row ${header.dlq.origin} to {{app.kafka.topics.analytics-orders-dlq}}: ${header.dlq.reason}")
                    .to("kafka:{{app.kafka.topics.analytics-orders-dlq}}?requestRequiredAcks=all")
                    .process(e -> deadLettered.increment())
                .end();

        from(INSERT).routeId("clickhouse-insert")
                .process(e -> {
                    @SuppressWarnings("unchecked")
                    List<SinkRow> rows = e.getIn().getBody(List.class);
                    List<RefusedRow> refused = writer.insert(rows);
                    inserted.increment(rows.size() - refused.size());
                    @SuppressWarnings("unchecked")
                    List<RefusedRow> all = e.getProperty(REFUSED, List.class);
                    List<RefusedRow> merged = new java.util.ArrayList<>(all);
                    merged.addAll(refused);
                    e.setProperty(REFUSED, merged);
                });
    }
}
