package io.orderpipeline.outbox;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.cluster.ClusterServiceHelper;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.stereotype.Component;

/**
 * What the relay's error handling (OutboxRelayErrors) does besides waiting and retrying:
 * <ul>
 * <li>every failed attempt is noted on the batch's oldest row, so an operator sees why it waits;
 * <li>when Kafka refuses a record for a reason of its own (too large, invalid), which record it was
 * is not knowable from a batch (the producer fails the records after it with the same error), so
 * the relay halves its batches until it is past the failed batch: a half that goes through is
 * committed and the next half tried, a half that fails is halved again, so the refused record is
 * found in about twice log2(batch size) attempts (one row at a time would take up to a batch
 * size's worth of transactions). Once a batch of one row fails, that row is the one: each tick it
 * fails counts an attempt, and at max-attempts the next batch sends it to the dead-letter topic;
 * <li>no retry once this instance no longer leads the relay.
 * </ul>
 */
@Component("outboxRelayFailures")
public class OutboxRelayFailures {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelayFailures.class);
    private static final int MAX_ERROR = 2000;

    /** Errors that belong to one record, not to Kafka's state: that record can never go as it is. */
    static final List<Class<? extends Throwable>> RECORD_REFUSALS = List.of(RecordTooLargeException.class,
            RecordBatchTooLargeException.class, InvalidRecordException.class, InvalidTimestampException.class,
            SerializationException.class);

    private final OutboxMetrics metrics;
    private final OutboxRelayProperties props;
    private final CamelContext camel;
    private final int maximumRedeliveries;
    private ProducerTemplate notes;
    /** While set (not -1): batches of at most isolating rows, up to and including this outbox id (the last of a refused batch). */
    private volatile long isolateThrough = -1;
    private volatile int isolating;

    public OutboxRelayFailures(OutboxMetrics metrics, OutboxRelayProperties props, CamelContext camel,
                               @Value("${app.outbox.relay.redelivery.maximum-redeliveries:4}") int maximumRedeliveries) {
        this.metrics = metrics;
        this.props = props;
        this.camel = camel;
        this.maximumRedeliveries = maximumRedeliveries;
    }

    /** The claim's limit: the batch size, or less while finding which record Kafka refuses. */
    public int limit() {
        return isolateThrough >= 0 ? isolating : props.batchSize();
    }

    /** After a batch committed: past the refused batch (or nothing more to claim), full batches again. */
    void committed(OutboxBatch batch) {
        if (isolateThrough >= 0 && (batch.lastId() >= isolateThrough || batch.claimed() == 0)) {
            log.info("Outbox relay is past the batch Kafka refused a record of: full batches again");
            isolateThrough = -1;
        }
    }

    /** Called by Camel for every failed attempt, after the batch's transactions rolled back. */
    public void attemptFailed(Exchange exchange) {
        metrics.retried.increment();
        OutboxBatch batch = exchange.getProperty(OutboxBatch.PROPERTY, OutboxBatch.class);
        if (batch == null || batch.claimed() == 0) {
            return; // failed before anything was claimed (MySQL away): nothing to note
        }
        Throwable failure = failure(exchange);
        int sent = batch.records().size();
        if (recordRefusal(failure) != null && sent > 1) {
            // The refused record is among those sent: the next claim takes the first half of them (a
            // claim may also take rows of held orders, which send nothing, so it sends at most that).
            if (isolateThrough < 0) {
                log.warn("Kafka refused a record of the batch up to outbox row {}; halving the batches to find it: {}",
                        batch.lastId(), describe(failure));
            }
            isolating = sent / 2;
            isolateThrough = Math.max(isolateThrough, batch.lastId());
        }
        note(batch.firstId(), false, "relay stalled: " + describe(failure));
    }

    /** When a tick's attempts are used up: a record refused on its own counts an attempt against its row. */
    public void tickFailed(Exchange exchange) {
        OutboxBatch batch = exchange.getProperty(OutboxBatch.PROPERTY, OutboxBatch.class);
        Throwable failure = failure(exchange);
        if (batch != null && batch.records().size() == 1 && recordRefusal(failure) != null) {
            OutboxBatch.Row row = batch.rows().get(0);
            log.warn("Kafka refused outbox row {} (event {} of {} {}): {}", row.id(), row.eventId(), row.aggregateType(),
                    row.aggregateId(), describe(failure));
            note(row.id(), true, describe(failure));
        }
    }

    /** retryWhile of the relay's error handling: within the redeliveries, and only while this instance leads. */
    public boolean retry(Exchange exchange) {
        int counter = exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        return counter <= maximumRedeliveries && leads(); // counts the redelivery about to be made
    }

    /** Whether this instance leads the relay now (true when no cluster service decides). */
    public boolean leads() {
        return ClusterServiceHelper.lookupService(camel).map(s -> s.isLeader(props.leaderNamespace())).orElse(true);
    }

    private void note(long id, boolean refused, String error) {
        Map<String, Object> note = new HashMap<>();
        note.put("id", id);
        note.put("refused", refused ? 1 : 0);
        note.put("error", error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR));
        try {
            template().sendBodyAndHeaders("direct:outbox-relay-note", null, note);
        } catch (RuntimeException e) {
            log.debug("Could not note the relay's failure on the outbox: {}", e.getMessage());
        }
    }

    private static Throwable failure(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return failure != null ? failure : exchange.getException();
    }

    static Throwable recordRefusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (Class<? extends Throwable> type : RECORD_REFUSALS) {
                if (type.isInstance(t)) {
                    return t;
                }
            }
        }
        return null;
    }

    private static String describe(Throwable failure) {
        Throwable root = NestedExceptionUtils.getMostSpecificCause(failure);
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private synchronized ProducerTemplate template() {
        if (notes == null) {
            notes = camel.createProducerTemplate();
        }
        return notes;
    }
}
