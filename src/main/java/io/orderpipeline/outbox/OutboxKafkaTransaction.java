package io.orderpipeline.outbox;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.apache.camel.component.kafka.KafkaClientFactory;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The relay's Kafka transaction: one per claimed batch, committed as part of the commit of the
 * batch's MySQL transaction, just before it (Spring's beforeCommit). A batch is therefore on
 * order.events (for read_committed consumers) only if its rows are about to be marked, and a failure
 * anywhere in the batch aborts all of it, so no event of an order can overtake an earlier one. A
 * crash between the two commits leaves published rows pending: they go out again (at least once),
 * never lost. The transactional id is the same on every instance, so a new leader's first
 * transaction fences a former leader that still runs (its commit then fails and its MySQL work rolls
 * back).
 *
 * <p>camel-kafka sends the records (the route's {@code kafka:} endpoint takes its producer from
 * here, as its kafkaClientFactory); only the transaction's boundaries are ours. camel-kafka's own
 * transacted=true cannot be used: its KafkaTransactionSynchronization commits in the exchange's
 * onDone, after the route's Spring transaction has committed (a crash between them loses the
 * batch), it closes the producer for good after any KafkaException, and its producer calls
 * initTransactions when the route starts, on standby instances too, fencing the leader.
 */
public class OutboxKafkaTransaction implements KafkaClientFactory {

    private static final Logger log = LoggerFactory.getLogger(OutboxKafkaTransaction.class);

    private final String transactionalId;
    private final int transactionTimeoutMs;
    private final long ackTimeoutMs;
    private final Function<Properties, Producer<Object, Object>> clients;
    private final SwappableProducer producer = new SwappableProducer();
    private volatile Properties settings;

    /**
     * @param ackTimeoutMs how long a send may wait for its acknowledgement: a transactional producer
     *                     whose coordinator is unreachable never expires its records, and camel-kafka
     *                     waits on them without a limit (KafkaProducer.postProcessMetadata)
     * @param clients      makes a Kafka producer from camel-kafka's settings (plus the transactional
     *                     id added here)
     */
    public OutboxKafkaTransaction(String transactionalId, int transactionTimeoutMs, long ackTimeoutMs,
                                  Function<Properties, Producer<Object, Object>> clients) {
        this.transactionalId = transactionalId;
        this.transactionTimeoutMs = transactionTimeoutMs;
        this.ackTimeoutMs = ackTimeoutMs;
        this.clients = clients;
    }

    public OutboxKafkaTransaction(String transactionalId, int transactionTimeoutMs, long ackTimeoutMs) {
        this(transactionalId, transactionTimeoutMs, ackTimeoutMs, KafkaProducer::new);
    }

    /**
     * The route's step before the send: begins a Kafka transaction that the surrounding MySQL
     * transaction commits (first) or aborts. The first call on an instance also fences any other
     * producer with the same transactional id.
     */
    public void begin() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            throw new IllegalStateException("the relay's Kafka transaction must run inside its MySQL transaction");
        }
        Producer<Object, Object> p = producer.ready();
        try {
            p.beginTransaction();
        } catch (RuntimeException e) {
            producer.discard(p, e);
            throw e;
        }
        TransactionSynchronizationManager.registerSynchronization(new CommitFirst(p));
    }

    /** Kafka commits in MySQL's beforeCommit; a failure there rolls MySQL back. */
    private final class CommitFirst implements TransactionSynchronization {
        private final Producer<Object, Object> p;
        private boolean open = true;

        CommitFirst(Producer<Object, Object> p) {
            this.p = p;
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            try {
                p.commitTransaction();
                open = false;
            } catch (RuntimeException e) {
                // Whether the commit reached the coordinator is unknown: a new producer's
                // initTransactions settles it. MySQL rolls back; the rows go out again.
                open = false;
                producer.discard(p, e);
                throw e;
            }
        }

        @Override
        public void afterCompletion(int status) {
            if (!open) {
                return;
            }
            open = false;
            try {
                p.abortTransaction();
            } catch (RuntimeException e) {
                producer.discard(p, e);
            }
        }
    }

    // ---- KafkaClientFactory: what the relay's kafka: endpoint asks for ----

    @Override
    public Producer<Object, Object> getProducer(Properties kafkaProps) {
        Properties props = new Properties();
        props.putAll(kafkaProps);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, transactionTimeoutMs);
        settings = props;
        return producer;
    }

    @Override
    public Consumer<Object, Object> getConsumer(Properties kafkaProps) {
        throw new UnsupportedOperationException("the outbox relay only produces");
    }

    @Override
    public String getBrokers(KafkaConfiguration configuration) {
        return configuration.getBrokers();
    }

    /** An acknowledgement that is an error, not an endless wait, when it does not come in time. */
    private final class BoundedAck implements Future<RecordMetadata> {
        private final Future<RecordMetadata> ack;

        BoundedAck(Future<RecordMetadata> ack) {
            this.ack = ack;
        }

        @Override
        public RecordMetadata get() throws InterruptedException, ExecutionException {
            try {
                return ack.get(ackTimeoutMs, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new ExecutionException(new TimeoutException(
                        "Kafka did not acknowledge the record within " + ackTimeoutMs + " ms"));
            }
        }

        @Override
        public RecordMetadata get(long timeout, TimeUnit unit)
                throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
            return ack.get(timeout, unit);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return ack.cancel(mayInterruptIfRunning);
        }

        @Override
        public boolean isCancelled() {
            return ack.isCancelled();
        }

        @Override
        public boolean isDone() {
            return ack.isDone();
        }
    }

    /**
     * What camel-kafka holds: a producer whose Kafka client is made on first use (on the leader
     * only) and replaced after a fatal error (fenced, or a commit whose outcome is unknown).
     */
    private final class SwappableProducer implements Producer<Object, Object> {
        private Producer<Object, Object> delegate;

        synchronized Producer<Object, Object> ready() {
            if (delegate == null) {
                Properties props = settings;
                if (props == null) {
                    // Only when the kafka: endpoint is replaced (route tests): the client ignores them.
                    props = new Properties();
                    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
                }
                Producer<Object, Object> fresh = clients.apply(props);
                try {
                    fresh.initTransactions();
                } catch (RuntimeException e) {
                    fresh.close(Duration.ZERO);
                    throw e;
                }
                delegate = fresh;
                log.info("Outbox relay's Kafka producer is ready (transactional id '{}')", transactionalId);
            }
            return delegate;
        }

        synchronized void discard(Producer<Object, Object> broken, RuntimeException why) {
            if (delegate == broken && broken != null) {
                log.warn("Outbox relay's Kafka producer is replaced after: {}", why.toString());
                delegate = null;
                broken.close(Duration.ZERO);
            }
        }

        @Override
        public void initTransactions() {
            ready();
        }

        @Override
        public void beginTransaction() {
            ready().beginTransaction();
        }

        @Override
        @Deprecated
        public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets, String groupId) {
            throw new UnsupportedOperationException("the outbox relay consumes nothing");
        }

        @Override
        public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
            throw new UnsupportedOperationException("the outbox relay consumes nothing");
        }

        @Override
        public void commitTransaction() {
            ready().commitTransaction();
        }

        @Override
        public void abortTransaction() {
            ready().abortTransaction();
        }

        @Override
        public Future<RecordMetadata> send(ProducerRecord<Object, Object> record) {
            return new BoundedAck(ready().send(record));
        }

        @Override
        public Future<RecordMetadata> send(ProducerRecord<Object, Object> record, Callback callback) {
            return new BoundedAck(ready().send(record, callback));
        }

        @Override
        public void flush() {
            ready().flush();
        }

        @Override
        public List<PartitionInfo> partitionsFor(String topic) {
            return ready().partitionsFor(topic);
        }

        @Override
        public synchronized Map<MetricName, ? extends Metric> metrics() {
            return delegate == null ? Map.of() : delegate.metrics();
        }

        @Override
        public Uuid clientInstanceId(Duration timeout) {
            return ready().clientInstanceId(timeout);
        }

        @Override
        public void close() {
            close(Duration.ofSeconds(5));
        }

        @Override
        public synchronized void close(Duration timeout) {
            if (delegate != null) {
                delegate.close(timeout);
                delegate = null;
            }
        }
    }
}
