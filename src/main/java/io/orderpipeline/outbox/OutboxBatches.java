package io.orderpipeline.outbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.orderpipeline.platform.KafkaTopics;
import io.orderpipeline.platform.SqlTime;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The relay route's own steps (routes/outbox-relay.camel.yaml): turn the claimed rows into the
 * batch's Kafka records, decide when to stop draining, and count what was committed.
 */
@Component("outboxBatches")
public class OutboxBatches {

    private static final Logger log = LoggerFactory.getLogger(OutboxBatches.class);
    private static final int MAX_DEAD_LETTER_PAYLOAD = 10_000;
    private static final int MAX_REASON = 2000;
    private static final String DRAIN_STARTED = "outboxDrainStarted";

    private final OutboxRelayProperties props;
    private final KafkaTopics topics;
    private final OutboxMetrics metrics;
    private final OutboxRelayFailures failures;
    private final JsonFactory json = new JsonFactory();

    public OutboxBatches(OutboxRelayProperties props, KafkaTopics topics, OutboxMetrics metrics, OutboxRelayFailures failures) {
        this.props = props;
        this.topics = topics;
        this.metrics = metrics;
        this.failures = failures;
    }

    /**
     * Body in: the claimed rows (in id order; camel-sql maps them with OutboxRows). Body out: the
     * records to send. Each record keeps its row's key (order id), event id and type as headers, and
     * its creation time as the record timestamp, so a republished event looks the same. An event
     * that can never be published becomes a dead letter, and the order's later events in the batch
     * are held back with it. Rows past the byte budget stay for the next batch (but always one row
     * at least), so one transaction never carries more than Kafka's buffers and timeouts allow.
     */
    public void plan(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<OutboxRow> claimed = exchange.getIn().getBody(List.class);
        if (claimed == null || claimed.isEmpty()) {
            exchange.setProperty(OutboxBatch.PROPERTY, OutboxBatch.empty());
            exchange.getIn().setBody(List.of());
            return;
        }
        OutboxBatch.Builder batch = new OutboxBatch.Builder();
        Set<String> held = new HashSet<>();
        long bytes = 0;
        boolean cut = false;
        for (OutboxRow r : claimed) {
            long id = r.id();
            String type = r.aggregateType();
            String aggregate = r.aggregateId();
            String eventId = r.eventId();
            String eventType = r.eventType();
            String payload = r.payload();
            String order = type + '/' + aggregate;
            if (held.contains(order)) {
                batch.holdBack(new OutboxBatch.Row(id, eventId, type, aggregate, eventType, null, false));
                continue;
            }
            int attempts = r.attempts();
            String reason = poisonReason(payload, attempts, r.lastError());
            bytes += payload == null ? 0 : payload.length();
            if (bytes > props.maxBatchBytes() && !batch.isEmpty()) {
                cut = true;
                break;
            }
            Message record = new DefaultMessage(exchange.getContext());
            record.setHeader(KafkaConstants.KEY, aggregate);
            record.setHeader("id", eventId);
            record.setHeader("eventType", eventType);
            record.setHeader("aggregateType", type);
            if (reason == null) {
                record.setHeader(KafkaConstants.OVERRIDE_TIMESTAMP,
                        SqlTime.read(r.createdAt()).toEpochMilli());
                record.setBody(payload);
                batch.publish(new OutboxBatch.Row(id, eventId, type, aggregate, eventType, record, false));
            } else {
                held.add(order);
                reason = reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON);
                record.setHeader(KafkaConstants.OVERRIDE_TOPIC, topics.orderEventsDlq());
                record.setHeader("dlq.reason", reason);
                record.setHeader("dlq.source", "outbox");
                record.setHeader("dlq.outboxId", Long.toString(id));
                record.setHeader("dlq.attempts", Integer.toString(attempts + 1));
                if (payload != null && payload.length() > MAX_DEAD_LETTER_PAYLOAD) {
                    // Enough to recognise it; the whole row stays in MySQL.
                    payload = payload.substring(0, MAX_DEAD_LETTER_PAYLOAD);
                    record.setHeader("dlq.truncated", "true");
                }
                record.setBody(payload);
                batch.deadLetter(new OutboxBatch.Row(id, eventId, type, aggregate, eventType, record, true),
                        attempts + 1, reason);
            }
        }
        OutboxBatch planned = batch.build(claimed.size(), cut || claimed.size() >= failures.limit() && failures.limit() > 1,
                claimed.get(0).id());
        exchange.setProperty(OutboxBatch.PROPERTY, planned);
        exchange.getIn().setBody(planned.records());
    }

    /** Null when the row can be published; otherwise why it never can be. */
    String poisonReason(String payload, int attempts, String lastError) {
        if (attempts >= props.maxAttempts()) {
            return "not accepted by Kafka after " + attempts + " attempts: " + lastError;
        }
        // A char is at most three bytes of UTF-8: only a payload that might be over is encoded to count.
        int size = payload == null || payload.length() <= props.maxPayloadBytes() / 3 ? 0
                : payload.getBytes(StandardCharsets.UTF_8).length;
        if (size > props.maxPayloadBytes()) {
            return "payload of " + size + " bytes is over the limit of " + props.maxPayloadBytes();
        }
        // The payload column is JSON, so the database has checked the syntax already: the first
        // token says whether it is an object. Parsing whole payloads was a fifth of the relay's CPU;
        // a '{' after JSON's whitespace is that token, which Jackson reads from a copy of the payload.
        if (payload != null && opensObject(payload)) {
            return null;
        }
        try (JsonParser parser = json.createParser(payload == null ? "" : payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return "payload is not a JSON object";
            }
        } catch (IOException e) {
            return "payload is not valid JSON: " + (e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage());
        }
        return null;
    }

    /** Whether the first character after JSON's whitespace is '{'. */
    private static boolean opensObject(String payload) {
        for (int i = 0; i < payload.length(); i++) {
            char c = payload.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return c == '{';
            }
        }
        return false;
    }

    /**
     * The drain loop's condition: another batch at once while full batches come back (or the relay
     * goes one row at a time), within the drain budget, and while this instance leads the relay.
     */
    public boolean more(Exchange exchange) {
        Long started = exchange.getProperty(DRAIN_STARTED, Long.class);
        if (started == null) {
            exchange.setProperty(DRAIN_STARTED, System.nanoTime());
            return true;
        }
        OutboxBatch last = exchange.getProperty(OutboxBatch.PROPERTY, OutboxBatch.class);
        boolean full = last != null && (last.full() || failures.limit() == 1 && last.claimed() == 1);
        return full && System.nanoTime() - started < props.drainBudget().toNanos() && failures.leads();
    }

    /** After the batch's transactions committed: count and report it. */
    public void committed(Exchange exchange) {
        OutboxBatch batch = exchange.getProperty(OutboxBatch.PROPERTY, OutboxBatch.class);
        if (batch == null) {
            return;
        }
        metrics.published.increment(batch.published().size());
        metrics.deadLettered.increment(batch.deadLetters().size());
        failures.committed(batch);
        for (OutboxBatch.Row row : batch.rows()) {
            if (row.deadLetter()) {
                log.warn("Outbox row {} (event {}, {} of {} {}) went to {} and holds its order back: {}", row.id(),
                        row.eventId(), row.eventType(), row.aggregateType(), row.aggregateId(), topics.orderEventsDlq(),
                        row.record().getHeader("dlq.reason"));
            }
        }
    }
}
