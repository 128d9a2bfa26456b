package io.orderpipeline.platform;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

import org.apache.camel.component.kafka.consumer.CommitManager;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A batching route's offsets, through camel-kafka's manual-commit extension point
 * (kafkaManualCommitFactory): each consumed record carries a handle on the consumer that polled it,
 * which the route uses on the same thread to commit every partition of a batch in one request once
 * the batch's work is done (the transformer), and to read the committed offsets with their metadata
 * and record a batch's planned blocks before inserting them (the sink). camel-kafka's own manual
 * commit commits an offset without metadata, and only the last record's partition for a whole batch
 * (its asynchronous one only at a rebalance).
 */
public class KafkaOffsets implements KafkaManualCommitFactory {

    private final Duration timeout;

    public KafkaOffsets(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public KafkaManualCommit newInstance(CamelExchangePayload exchange, KafkaRecordPayload record, CommitManager manager) {
        return new Handle(exchange.consumer, timeout);
    }

    /**
     * The consumer behind a batch; only the route may use it, while camel-kafka's polling thread
     * waits for the batch (a step after an asynchronous producer may run on another thread then).
     */
    public static final class Handle implements KafkaManualCommit {
        private final Consumer<?, ?> consumer;
        private final Duration timeout;

        public Handle(Consumer<?, ?> consumer, Duration timeout) {
            this.consumer = consumer;
            this.timeout = timeout;
        }

        /** Not used: the route commits offsets with {@link #commit(Map)}, one call per batch. */
        @Override
        public void commit() {
            throw new UnsupportedOperationException("a batch is committed with KafkaOffsets.Handle.commit(Map)");
        }

        public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
            return consumer.committed(partitions, timeout);
        }

        /**
         * Fails (CommitFailedException, RebalanceInProgressException) when the group moved on since
         * this consumer's last poll. Kafka checks the group generation, not who owns a partition: the
         * caller commits only partitions in {@link #assignment()}.
         */
        public void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
            if (!offsets.isEmpty()) {
                consumer.commitSync(offsets, timeout);
            }
        }

        /** The partitions the consumer owns as of its last poll. */
        public Collection<TopicPartition> assignment() {
            return consumer.assignment();
        }

        /** The partition's next poll starts at this offset. */
        public void seek(TopicPartition partition, long offset) {
            consumer.seek(partition, offset);
        }

        /** The first offset Kafka still holds of the partition (older ones are deleted by retention). */
        public long beginning(TopicPartition partition) {
            return consumer.beginningOffsets(Set.of(partition), timeout).get(partition);
        }

        /** The consumer itself: a consumer camel-kafka replaces after a failed batch starts over from the committed offsets. */
        public Object consumer() {
            return consumer;
        }
    }
}
