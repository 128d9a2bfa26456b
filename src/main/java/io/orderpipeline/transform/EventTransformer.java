package io.orderpipeline.transform;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.orderpipeline.platform.KafkaOffsets;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The steps the event-transformer route (routes/event-transformer.camel.yaml) calls on each polled
 * batch: turn every record into an analytics row, or into a dead letter addressed to
 * order.events.dlq when it is poison, so that camel-kafka sends the whole batch in one go; and
 * commit the batch's offsets once every record of it has been acknowledged.
 */
@Component("eventTransformer")
public class EventTransformer {

    /** Exchange properties of a batch: its offsets to commit, the consumer's handle, and what it held. */
    public static final String COMMIT = "transformerCommit";
    public static final String OFFSETS = "transformerOffsets";
    public static final String TRANSFORMED = "transformed";
    public static final String DEAD_LETTERED = "deadLettered";

    private static final Logger log = LoggerFactory.getLogger(EventTransformer.class);

    private final OrderEventMapper mapper;
    private final String deadLetterTopic;

    public EventTransformer(OrderEventMapper mapper, @Value("${app.kafka.topics.order-events-dlq}") String deadLetterTopic) {
        this.mapper = mapper;
        this.deadLetterTopic = deadLetterTopic;
    }

    /** The batch's records, each turned into what goes out; the body stays the list of records. */
    public void transform(Exchange batch) throws java.io.IOException {
        @SuppressWarnings("unchecked")
        List<Exchange> records = batch.getIn().getBody(List.class);
        if (records.isEmpty()) {
            return;
        }
        KafkaOffsets.Handle offsets = records.get(0).getIn().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaOffsets.Handle.class);
        if (offsets == null) {
            throw new IllegalStateException("the transformer's kafka endpoint must use kafkaManualCommitFactory=#transformerOffsets");
        }
        // A batch spans polls: one of them may have handed a partition to another consumer, which
        // reads it again from the committed offset. Its records are left to that consumer.
        var owned = offsets.assignment();
        List<Exchange> out = new ArrayList<>(records.size());
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        int poison = 0;
        for (Exchange record : records) {
            Message in = record.getIn();
            TopicPartition partition = new TopicPartition(in.getHeader(KafkaConstants.TOPIC, String.class),
                    in.getHeader(KafkaConstants.PARTITION, Integer.class));
            if (!owned.contains(partition)) {
                continue;
            }
            // Records come in offset order per partition: the last one's next offset covers them all.
            done.put(partition, new OffsetAndMetadata(in.getHeader(KafkaConstants.OFFSET, Long.class) + 1));
            if (!transform(in)) {
                poison++;
            }
            out.add(record);
        }
        batch.getIn().setBody(out);
        batch.setProperty(COMMIT, done);
        batch.setProperty(OFFSETS, offsets);
        batch.setProperty(TRANSFORMED, out.size() - poison);
        batch.setProperty(DEAD_LETTERED, poison);
    }

    /** One record, changed in place into an analytics row (true) or a dead letter (false). */
    private boolean transform(Message in) throws java.io.IOException {
        String payload = in.getBody(String.class);
        String eventId = in.getHeader("id", String.class);
        String eventType = in.getHeader("eventType", String.class);
        Long timestamp = in.getHeader(KafkaConstants.TIMESTAMP, Long.class);
        Object key = in.getHeader(KafkaConstants.KEY);
        String source = in.getHeader(KafkaConstants.TOPIC) + "/" + in.getHeader(KafkaConstants.PARTITION) + "/"
                + in.getHeader(KafkaConstants.OFFSET);
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
            return true;
        } catch (PoisonEventException poison) {
            log.warn("Poison event {} ({}) to {}: {}", eventId, source, deadLetterTopic, poison.getMessage());
            in.setBody(payload == null ? null : payload.getBytes(StandardCharsets.UTF_8));
            in.setHeader(KafkaConstants.OVERRIDE_TOPIC, deadLetterTopic);
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
            return false;
        }
    }

    /**
     * Called after Kafka acknowledged every record of the batch: only then are its offsets
     * committed, in one request. A commit the group refuses because it is rebalancing is let go:
     * failing the sent batch would make camel-kafka rejoin the group (another rebalance); the
     * records come again from the committed offset to whoever owns the partition next, and the
     * sink drops the repeats by event id.
     */
    public void commit(Exchange batch) {
        KafkaOffsets.Handle offsets = batch.getProperty(OFFSETS, KafkaOffsets.Handle.class);
        @SuppressWarnings("unchecked")
        Map<TopicPartition, OffsetAndMetadata> done = batch.getProperty(COMMIT, Map.class);
        if (offsets == null || done == null) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> owned = new HashMap<>(done);
        owned.keySet().retainAll(offsets.assignment());
        try {
            offsets.commit(owned);
        } catch (org.apache.kafka.clients.consumer.CommitFailedException
                 | org.apache.kafka.common.errors.RebalanceInProgressException
                 | org.apache.kafka.common.errors.TimeoutException e) {
            log.warn("Offsets {} not committed ({}): those records will be transformed again", owned, e.toString());
        }
    }
}
