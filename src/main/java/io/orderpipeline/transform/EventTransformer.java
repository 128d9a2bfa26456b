package io.orderpipeline.transform;

import java.nio.charset.StandardCharsets;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.springframework.stereotype.Component;

/**
 * The steps the event-transformer route (routes/event-transformer.camel.yaml) calls: turn the
 * consumed record into an analytics row or mark it as poison, and commit its offset once the
 * output has been acknowledged.
 */
@Component("eventTransformer")
public class EventTransformer {

    /** Exchange property set when the event is poison: the reason. */
    public static final String POISON = "poisonReason";
    private static final String COMMIT = "kafkaManualCommit";

    private final OrderEventMapper mapper;

    public EventTransformer(OrderEventMapper mapper) {
        this.mapper = mapper;
    }

    public void transform(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        String payload = in.getBody(String.class);
        String eventId = in.getHeader("id", String.class);
        String eventType = in.getHeader("eventType", String.class);
        Long timestamp = in.getHeader(KafkaConstants.TIMESTAMP, Long.class);
        Object key = in.getHeader(KafkaConstants.KEY);
        String source = in.getHeader(KafkaConstants.TOPIC) + "/" + in.getHeader(KafkaConstants.PARTITION) + "/"
                + in.getHeader(KafkaConstants.OFFSET);
        // One commit per partition and poll, on its last record: it covers the ones before it. A
        // commit per record was an offset-commit request per event, a good part of the transformer's cost.
        if (!Boolean.FALSE.equals(in.getHeader(KafkaConstants.LAST_RECORD_BEFORE_COMMIT))) {
            exchange.setProperty(COMMIT, in.getHeader(KafkaConstants.MANUAL_COMMIT));
        }
        // Only the headers meant for the next topic go out (camel-kafka copies every other one).
        in.removeHeaders("*");
        try {
            AnalyticsRow row = mapper.map(payload, eventId, eventType,
                    timestamp == null ? System.currentTimeMillis() : timestamp);
            in.setBody(mapper.toJson(row));
            in.setHeader(KafkaConstants.KEY, row.orderId());
            // The record's time is the event's: the same each time it is published, and what the
            // reconciliation's watermark reads from the sink's backlog.
            in.setHeader(KafkaConstants.OVERRIDE_TIMESTAMP, row.eventTimeMs());
            in.setHeader("id", row.eventId());
            in.setHeader("eventType", row.eventType());
        } catch (PoisonEventException poison) {
            exchange.setProperty(POISON, poison.getMessage());
            in.setBody(payload == null ? null : payload.getBytes(StandardCharsets.UTF_8));
            if (key != null) {
                in.setHeader(KafkaConstants.KEY, key.toString());
            }
            if (eventId != null) {
                in.setHeader("id", eventId);
            }
            if (eventType != null) {
                in.setHeader("eventType", eventType);
            }
            in.setHeader("dlq.reason", poison.getMessage());
            in.setHeader("dlq.source", "event-transformer");
            in.setHeader("dlq.origin", source);
        }
    }

    /** Called after the output topic acknowledged the record: only then is its offset (and those before it) committed. */
    public void commit(Exchange exchange) {
        KafkaManualCommit commit = exchange.getProperty(COMMIT, KafkaManualCommit.class);
        if (commit != null) {
            commit.commit();
        }
    }
}
