package io.orderpipeline.outbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.orderpipeline.platform.Backoff;
import io.orderpipeline.platform.KafkaTopics;
import io.orderpipeline.platform.SqlTime;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes outbox rows to Kafka. Each batch is claimed with SELECT ... FOR UPDATE inside a
 * transaction that stays open until Kafka acknowledged the records, and rows are marked processed
 * in that same transaction: a crash before the commit leaves them pending (published again later:
 * at least once, consumers de-duplicate by event id), never marked without being published.
 *
 * <p>Events of one order keep their order: rows are read in id order (for one order that is commit
 * order, since every change locks the order row), the producer is idempotent, and a row waiting for
 * a retry holds back the later rows of its order only.
 *
 * <p>The Kafka client is used directly, not through camel-kafka: a batch needs one acknowledgement
 * per record, and camel-kafka reports a single outcome for a batch.
 */
@Component
public class OutboxRelay {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int MAX_ERROR_LENGTH = 2000;

    record Row(long id, String eventId, String aggregateType, String aggregateId, String eventType,
               String payload, int attempts, Instant nextAttemptAt) {
    }

    private record Sent(Row row, Future<RecordMetadata> ack, boolean deadLetter, String reason) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Producer<String, byte[]> producer;
    private final KafkaTopics topics;
    private final OutboxRelayProperties props;
    private final OutboxMetrics metrics;
    private final ObjectMapper json;
    private final long sendTimeoutMs;
    private int consecutiveFailures;
    private long pausedUntilNanos;

    public OutboxRelay(JdbcTemplate jdbc, PlatformTransactionManager txManager, Producer<String, byte[]> outboxProducer,
                       KafkaTopics topics, OutboxRelayProperties props, OutboxMetrics metrics, ObjectMapper json,
                       OutboxProducerProperties producerProps) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(txManager);
        // READ COMMITTED: the claim locks the rows it reads, not the gaps between them, so the
        // intake keeps inserting new outbox rows while a batch is in flight.
        this.tx.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        this.producer = outboxProducer;
        this.topics = topics;
        this.props = props;
        this.metrics = metrics;
        this.json = json;
        // Kafka completes every send within delivery.timeout.ms; the extra second is only a safety net.
        this.sendTimeoutMs = producerProps.deliveryTimeoutMs() + 1000L;
    }

    /**
     * Relays batch after batch while full batches come back, for at most the drain budget, so a
     * caller (the relay route's timer) gets control back often enough to stop cleanly.
     *
     * @return rows published or dead-lettered
     */
    public int drain() {
        if (System.nanoTime() < pausedUntilNanos) {
            return 0;
        }
        long deadline = System.nanoTime() + props.drainBudget().toNanos();
        int total = 0;
        int done;
        do {
            done = relayBatch();
            total += done;
        } while (done >= props.batchSize() && System.nanoTime() < deadline && System.nanoTime() >= pausedUntilNanos);
        return total;
    }

    /** One claimed batch: publish, wait for acknowledgements, mark, commit. */
    int relayBatch() {
        Integer done = tx.execute(status -> {
            List<Row> rows = claim();
            if (rows.isEmpty()) {
                return 0;
            }
            return publish(rows);
        });
        return done == null ? 0 : done;
    }

    private List<Row> claim() {
        return jdbc.query("SELECT id, event_id, aggregate_type, aggregate_id, event_type, payload, attempts, "
                        + "next_attempt_at FROM outbox WHERE processed = 0 ORDER BY id LIMIT ? FOR UPDATE",
                (rs, i) -> {
                    LocalDateTime next = rs.getObject("next_attempt_at", LocalDateTime.class);
                    return new Row(rs.getLong("id"), rs.getString("event_id"), rs.getString("aggregate_type"),
                            rs.getString("aggregate_id"), rs.getString("event_type"), rs.getString("payload"),
                            rs.getInt("attempts"), next == null ? null : SqlTime.read(next));
                }, props.batchSize());
    }

    private int publish(List<Row> rows) {
        Instant now = Instant.now();
        Set<String> heldBack = new HashSet<>();
        List<Sent> sent = new ArrayList<>(rows.size());
        for (Row row : rows) {
            if (heldBack.contains(row.aggregateId())) {
                continue; // an earlier event of this order waits for a retry: keep the order
            }
            if (row.nextAttemptAt() != null && row.nextAttemptAt().isAfter(now)) {
                heldBack.add(row.aggregateId());
                continue;
            }
            String poison = poisonReason(row);
            try {
                if (poison == null) {
                    sent.add(new Sent(row, producer.send(record(topics.orderEvents(), row, row.payload(), null)), false, null));
                } else {
                    sent.add(new Sent(row, producer.send(deadLetter(row, poison)), true, poison));
                }
            } catch (RuntimeException e) {
                // send() itself failed (e.g. no metadata in max.block.ms): nothing more goes out now
                heldBack.add(row.aggregateId());
                sent.add(new Sent(row, java.util.concurrent.CompletableFuture.failedFuture(e), poison != null, poison));
                break;
            }
        }

        List<Long> published = new ArrayList<>();
        List<Object[]> deadLettered = new ArrayList<>();
        List<Object[]> retries = new ArrayList<>();
        boolean transientFailure = false;
        for (Sent s : sent) {
            Throwable failure = await(s.ack());
            Row row = s.row();
            if (failure == null) {
                if (s.deadLetter()) {
                    deadLettered.add(new Object[] {row.attempts() + 1, truncate(s.reason()), row.id()});
                    log.warn("Outbox row {} (event {}, {} of {} {}) went to {}: {}", row.id(), row.eventId(),
                            row.eventType(), row.aggregateType(), row.aggregateId(), topics.orderEventsDlq(), s.reason());
                } else {
                    published.add(row.id());
                }
                continue;
            }
            String error = failure.getClass().getSimpleName() + ": " + failure.getMessage();
            boolean isTransient = failure instanceof RetriableException || failure instanceof TimeoutException
                    || failure instanceof org.apache.kafka.common.errors.TimeoutException;
            int attempts = row.attempts() + 1;
            if (!isTransient && !s.deadLetter() && attempts >= props.maxAttempts()) {
                // Kafka refuses this record for good: to the dead-letter topic with the reason.
                String reason = "not accepted by Kafka after " + attempts + " attempts: " + error;
                Throwable dlqFailure = await(sendQuietly(deadLetter(row, reason)));
                if (dlqFailure == null) {
                    deadLettered.add(new Object[] {attempts, truncate(reason), row.id()});
                    log.warn("Outbox row {} (event {}) went to {}: {}", row.id(), row.eventId(), topics.orderEventsDlq(), reason);
                    continue;
                }
                error = error + "; dead-letter topic refused it too: " + dlqFailure.getMessage();
            }
            transientFailure |= isTransient;
            retries.add(new Object[] {attempts, truncate(error), SqlTime.param(now.plus(backoff(attempts))), row.id()});
        }

        markPublished(published);
        if (!deadLettered.isEmpty()) {
            jdbc.batchUpdate("UPDATE outbox SET processed = 1, processed_at = NOW(6), failed_at = NOW(6), attempts = ?, "
                    + "last_error = ?, next_attempt_at = NULL WHERE id = ?", deadLettered);
        }
        if (!retries.isEmpty()) {
            jdbc.batchUpdate("UPDATE outbox SET attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?", retries);
        }
        metrics.published.increment(published.size());
        metrics.deadLettered.increment(deadLettered.size());
        metrics.retried.increment(retries.size());
        if (transientFailure) {
            pauseAfterFailure(retries.size());
        } else {
            consecutiveFailures = 0;
        }
        return published.size() + deadLettered.size();
    }

    private void markPublished(List<Long> ids) {
        for (int from = 0; from < ids.size(); from += 500) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
            String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
            jdbc.update("UPDATE outbox SET processed = 1, processed_at = NOW(6) WHERE id IN (" + marks + ")",
                    chunk.toArray());
        }
    }

    /** Kafka unreachable or slow: the whole relay waits, growing the wait up to the maximum. */
    private void pauseAfterFailure(int failed) {
        consecutiveFailures++;
        Duration wait = backoff(consecutiveFailures);
        pausedUntilNanos = System.nanoTime() + wait.toNanos();
        log.warn("Kafka did not acknowledge {} outbox event(s); relay pauses {} ms (failure {} in a row)",
                failed, wait.toMillis(), consecutiveFailures);
    }

    Duration backoff(int attempt) {
        return Backoff.jittered(props.initialBackoff(), props.maxBackoff(), attempt);
    }

    /** Null when the row can be published; otherwise why it never can be. */
    private String poisonReason(Row row) {
        int size = row.payload() == null ? 0 : row.payload().getBytes(StandardCharsets.UTF_8).length;
        if (size > props.maxPayloadBytes()) {
            return "payload of " + size + " bytes is over the limit of " + props.maxPayloadBytes();
        }
        // The payload column is JSON, so the database has checked the syntax already: the first
        // token says whether it is an object. Parsing whole payloads was a fifth of the relay's CPU.
        try (JsonParser parser = json.getFactory().createParser(row.payload() == null ? "" : row.payload())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return "payload is not a JSON object";
            }
        } catch (IOException e) {
            return "payload is not valid JSON: " + (e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage());
        }
        return null;
    }

    private ProducerRecord<String, byte[]> record(String topic, Row row, String value, RecordHeaders extra) {
        RecordHeaders headers = extra == null ? new RecordHeaders() : extra;
        headers.add("id", row.eventId().getBytes(StandardCharsets.UTF_8));
        headers.add("eventType", row.eventType().getBytes(StandardCharsets.UTF_8));
        headers.add("aggregateType", row.aggregateType().getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topic, null, row.aggregateId(),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8), headers);
    }

    private ProducerRecord<String, byte[]> deadLetter(Row row, String reason) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("dlq.reason", reason.getBytes(StandardCharsets.UTF_8));
        headers.add("dlq.source", "outbox".getBytes(StandardCharsets.UTF_8));
        headers.add("dlq.outboxId", Long.toString(row.id()).getBytes(StandardCharsets.UTF_8));
        headers.add("dlq.attempts", Integer.toString(row.attempts() + 1).getBytes(StandardCharsets.UTF_8));
        String value = row.payload();
        if (value != null && value.length() > 10_000) {
            value = value.substring(0, 10_000); // enough to recognise it; the full row stays in MySQL
            headers.add("dlq.truncated", "true".getBytes(StandardCharsets.UTF_8));
        }
        return record(topics.orderEventsDlq(), row, value, headers);
    }

    private Future<RecordMetadata> sendQuietly(ProducerRecord<String, byte[]> record) {
        try {
            return producer.send(record);
        } catch (RuntimeException e) {
            return java.util.concurrent.CompletableFuture.failedFuture(e);
        }
    }

    private Throwable await(Future<RecordMetadata> ack) {
        try {
            ack.get(sendTimeoutMs, TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }

    private static String truncate(String s) {
        return s.length() <= MAX_ERROR_LENGTH ? s : s.substring(0, MAX_ERROR_LENGTH);
    }
}
