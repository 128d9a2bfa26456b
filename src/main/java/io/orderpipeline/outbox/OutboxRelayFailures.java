package io.orderpipeline.outbox;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.orderpipeline.platform.cluster.MySqlLockClusterService;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.cluster.ClusterServiceHelper;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.stereotype.Component;

/**
 * What the relay's error handler (OutboxRelayErrors) does besides waiting and retrying: note every
 * failed attempt on the outbox rows, so an operator sees why they wait and a record Kafka refuses
 * for a reason of its own becomes a dead letter after max-attempts; and step down when another
 * instance has fenced this one.
 */
@Component("outboxRelayFailures")
public class OutboxRelayFailures implements Processor {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelayFailures.class);
    private static final int MAX_ERROR = 2000;

    /** Errors that belong to one record, not to Kafka's state: that record can never go as it is. */
    static final List<Class<? extends Throwable>> RECORD_REFUSALS = List.of(RecordTooLargeException.class,
            RecordBatchTooLargeException.class, InvalidRecordException.class, InvalidTimestampException.class,
            SerializationException.class);

    /** A property that ends the drain loop (this instance stepped down). */
    static final String STOP = "outboxRelayStop";

    private final OutboxMetrics metrics;
    private final OutboxRelayProperties props;
    private final CamelContext camel;
    private ProducerTemplate sql;

    public OutboxRelayFailures(OutboxMetrics metrics, OutboxRelayProperties props, CamelContext camel) {
        this.metrics = metrics;
        this.props = props;
        this.camel = camel;
    }

    /** Called by Camel for every failed attempt, after the batch's transactions rolled back. */
    @Override
    public void process(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failure == null) {
            failure = exchange.getException();
        }
        metrics.retried.increment();
        OutboxBatch batch = exchange.getProperty(OutboxBatch.PROPERTY, OutboxBatch.class);
        if (batch == null || batch.claimed() == 0) {
            return; // failed before anything was claimed (MySQL away): nothing to note
        }
        String error = describe(failure);
        Throwable refusal = recordRefusal(failure);
        OutboxBatch.Row culprit = refusal == null ? null
                : batch.firstUnacknowledged(m -> m.getHeader(KafkaConstants.KAFKA_RECORD_META) != null);
        Map<String, Object> note = new HashMap<>();
        if (culprit != null) {
            log.warn("Kafka refused outbox row {} (event {} of {} {}): {}", culprit.id(), culprit.eventId(),
                    culprit.aggregateType(), culprit.aggregateId(), error);
            note.put("id", culprit.id());
            note.put("refused", 1);
            note.put("error", error);
        } else {
            note.put("id", batch.firstId());
            note.put("refused", 0);
            note.put("error", "relay stalled: " + error);
        }
        try {
            template().sendBodyAndHeaders("direct:outbox-relay-note", null, note);
        } catch (RuntimeException e) {
            log.debug("Could not note the relay's failure on the outbox: {}", e.getMessage());
        }
    }

    /** Another instance has started a Kafka transaction under the relay's id: it leads now. */
    public void fenced(Exchange exchange) {
        exchange.setProperty(STOP, true);
        log.warn("Another instance took over the outbox relay (this one's Kafka producer was fenced); standing down");
        ClusterServiceHelper.lookupService(camel)
                .filter(MySqlLockClusterService.class::isInstance)
                .map(MySqlLockClusterService.class::cast)
                .ifPresent(service -> service.relinquish(props.leaderNamespace()));
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
        String text = root.getClass().getSimpleName() + ": " + root.getMessage();
        return text.length() <= MAX_ERROR ? text : text.substring(0, MAX_ERROR);
    }

    private synchronized ProducerTemplate template() {
        if (sql == null) {
            sql = camel.createProducerTemplate();
        }
        return sql;
    }
}
