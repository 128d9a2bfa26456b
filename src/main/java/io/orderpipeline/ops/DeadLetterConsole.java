package io.orderpipeline.ops;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.orderpipeline.platform.ApiProblem;
import io.orderpipeline.platform.KafkaTopics;
import io.orderpipeline.platform.SqlTime;
import io.swagger.v3.oas.annotations.media.Schema;

import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The dead-letter console's work: what is dead-lettered (outbox rows that Kafka refused, and the
 * records on order.events.dlq and analytics.orders.dlq that the transformer and the sink wrote),
 * and an operator's requeue or discard of one or all. Outbox rows change as `make outbox-requeue`
 * and `make outbox-discard` change them (scripts/outbox/*.sql): their orders stop being held in the
 * same transaction. A topic record is requeued by sending it again, with its key and event headers,
 * to the pipeline topic it came from (camel-kafka), and either decision is stored in
 * dead_letter_decisions before the transaction commits, so each record is decided once. The
 * relay's own records on order.events.dlq are shown, and acted on, as their outbox rows.
 */
public class DeadLetterConsole {

    @Schema(description = "An outbox row Kafka refused: its order's later events wait until it is requeued or discarded")
    public record OutboxDeadLetter(long outboxId, String eventId, String aggregateId, String eventType, int attempts,
                                   Instant failedAt, String reason, String payload) {
    }

    @Schema(description = "An order whose events wait behind a dead-lettered outbox row")
    public record HeldOrder(String aggregateId, long outboxId, Instant heldAt, String reason) {
    }

    @Schema(description = "A record on a dead-letter topic that no operator has decided on yet")
    public record TopicDeadLetter(String topic, int partition, long offset, Instant timestamp, String key, String source,
                                  String origin, String reason, String eventId, String payload, boolean payloadCut) {
    }

    @Schema(description = "How far a listing went: an \"all\" decision sent with it acts on nothing newer")
    public record UpTo(
            @Schema(description = "The highest outbox id listed (0: none)", example = "42") long outboxId,
            @Schema(description = "When the listing was taken (the database's clock): a row dead-lettered later is left alone",
                    example = "2026-11-26T10:00:00.123456Z") Instant listedAt,
            @Schema(description = "Per \"topic/partition\" of a dead-letter topic, the offset the listing read up to (exclusive)",
                    example = "{\"analytics.orders.dlq/0\": 18}") Map<String, Long> records) {
    }

    @Schema(description = "Everything dead-lettered and not yet decided on")
    public record DeadLetters(List<OutboxDeadLetter> outbox, List<HeldOrder> heldOrders, List<TopicDeadLetter> topicRecords,
                              @Schema(description = "Undecided topic records older than the listed ones, left out to keep the list short "
                                      + "(an \"all\" decision covers them)") long topicRecordsNotListed,
                              @Schema(description = "Why the topic records could not be read now (Kafka not answering); null when they were")
                              String topicRecordsProblem,
                              @Schema(description = "Send back with all=true: the decision covers what this listing covered, nothing newer")
                              UpTo listedUpTo) {
    }

    @Schema(description = "What to act on: one outbox row (outboxId), one topic record (topic, partition, offset), or all=true")
    public record Target(
            @Schema(description = "An outbox row's id", example = "42") Long outboxId,
            @Schema(description = "A dead-letter topic", example = "analytics.orders.dlq") String topic,
            @Schema(description = "The record's partition", example = "0") Integer partition,
            @Schema(description = "The record's offset", example = "17") Long offset,
            @Schema(description = "Every outbox dead letter and every undecided topic record up to upTo", example = "false") Boolean all,
            @Schema(description = "With all=true: the listedUpTo of the listing the operator saw") UpTo upTo) {
    }

    @Schema(description = "What was done")
    public record Outcome(@Schema(example = "requeue") String action, @Schema(example = "1") int outboxRows,
                          @Schema(example = "0") int topicRecords) {
    }

    private static final Logger log = LoggerFactory.getLogger(DeadLetterConsole.class);

    private final JdbcTemplate mysql;
    private final TransactionTemplate transaction;
    private final KafkaBacklog kafka;
    private final ProducerTemplate camel;
    private final KafkaTopics topics;
    /** "topic/partition/offset" of the records decided on, as of the last listing (any instance's) or this one's decisions. */
    private final Set<String> decided = ConcurrentHashMap.newKeySet();
    private volatile boolean decidedLoaded;

    public DeadLetterConsole(JdbcTemplate mysql, TransactionTemplate transaction, KafkaBacklog kafka, ProducerTemplate camel,
                             KafkaTopics topics) {
        this.mysql = mysql;
        this.transaction = transaction;
        this.kafka = kafka;
        this.camel = camel;
        this.topics = topics;
        kafka.skip(DeadLetterConsole::relays, key -> decided().contains(key));
    }

    public DeadLetters list() {
        // Taken first: whatever is dead-lettered after it is not part of this listing.
        Instant listedAt = SqlTime.read(mysql.queryForObject("SELECT NOW(6)", LocalDateTime.class));
        // The payload's start only: outbox dead letters are often the oversized ones (up to 900 kB).
        List<OutboxDeadLetter> outbox = mysql.query("SELECT id, event_id, aggregate_id, event_type, attempts, failed_at, "
                + "last_error, LEFT(payload, 16384) FROM outbox WHERE failed_at IS NOT NULL AND discarded_at IS NULL "
                + "ORDER BY id LIMIT 1000", (rs, i) -> new OutboxDeadLetter(rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getInt(5), SqlTime.read(rs.getObject(6, LocalDateTime.class)), rs.getString(7),
                        rs.getString(8)));
        List<HeldOrder> held = mysql.query("SELECT aggregate_id, outbox_id, held_at, reason FROM outbox_held_orders "
                + "ORDER BY held_at LIMIT 1000", (rs, i) -> new HeldOrder(rs.getString(1), rs.getLong(2),
                        SqlTime.read(rs.getObject(3, LocalDateTime.class)), rs.getString(4)));
        long lastOutboxId = outbox.isEmpty() ? 0 : outbox.get(outbox.size() - 1).outboxId();
        // The outbox rows need MySQL only: with Kafka slow or down they are still listed.
        try {
            KafkaBacklog.Listing records = undecided();
            return new DeadLetters(outbox, held, records.records().stream().map(DeadLetterConsole::shown).toList(),
                    records.notListed(), null, new UpTo(lastOutboxId, listedAt, records.readUpTo()));
        } catch (KafkaException e) {
            log.warn("Dead-letter console: the dead-letter topics could not be read: {}", e.toString());
            return new DeadLetters(outbox, held, List.of(), 0, "Kafka did not answer (" + e.getMessage()
                    + "): the dead-letter topics' records are not listed; try again shortly", new UpTo(lastOutboxId, listedAt, Map.of()));
        }
    }

    public Outcome requeue(Target target, String operator) {
        return act("requeue", target, operator);
    }

    public Outcome discard(Target target, String operator) {
        return act("discard", target, operator);
    }

    private Outcome act(String action, Target t, String operator) {
        boolean all = Boolean.TRUE.equals(t.all());
        boolean row = t.outboxId() != null;
        boolean record = t.topic() != null || t.partition() != null || t.offset() != null;
        if ((all ? 1 : 0) + (row ? 1 : 0) + (record ? 1 : 0) != 1) {
            throw ApiProblem.badRequest("Name one target: outboxId, or topic with partition and offset, or all=true with upTo",
                    List.of(new ApiProblem.FieldError("all", "exactly one of outboxId, topic+partition+offset, all=true")));
        }
        Outcome outcome;
        if (row) {
            outcome = new Outcome(action, outboxRow(action, t.outboxId()), 0);
            if (outcome.outboxRows() == 0) {
                throw ApiProblem.notFound("No dead-lettered outbox row " + t.outboxId() + " waits for a decision");
            }
        } else if (record) {
            if (t.topic() == null || t.partition() == null || t.offset() == null) {
                throw ApiProblem.field(t.topic() == null ? "topic" : t.partition() == null ? "partition" : "offset",
                        "topic, partition and offset name a record together");
            }
            KafkaBacklog.DeadLetterRecord r = kafka.read(t.topic(), t.partition(), t.offset());
            if (r == null || relays(r)) {
                throw ApiProblem.notFound("No record " + KafkaBacklog.where(t.topic(), t.partition(), t.offset())
                        + " on a dead-letter topic" + (r == null ? "" : " (the relay's: act on its outbox row)"));
            }
            topicRecord(action, r, operator);
            outcome = new Outcome(action, 0, 1);
        } else {
            // Only what the operator saw: a dead letter written after the listing waits for its own decision.
            if (t.upTo() == null || t.upTo().listedAt() == null) {
                throw ApiProblem.field("upTo", "must be sent with all=true: the listedUpTo of the listing the decision is about");
            }
            Map<String, Long> bounds = t.upTo().records() == null ? Map.of() : t.upTo().records();
            if (!bounds.isEmpty()) {
                java.util.Set<String> known = kafka.partitions();
                bounds.forEach((partition, offset) -> {
                    if (!known.contains(partition) || offset == null || offset < 0) {
                        throw ApiProblem.field("upTo.records", "names " + partition + "=" + offset
                                + ": send the listedUpTo of a listing, whose keys are a dead-letter topic's \"topic/partition\"");
                    }
                });
            }
            int rows = outboxRowsUpTo(action, t.upTo().outboxId(), t.upTo().listedAt());
            int[] records = {0};
            if (!bounds.isEmpty()) {
                refreshDecided();
                kafka.scan(bounds, r -> {
                    if (!relays(r) && !decided.contains(r.where())) {
                        try {
                            topicRecord(action, r, operator);
                            records[0]++;
                        } catch (ApiProblem notThisOne) {
                            // decided by another operator meanwhile, or (requeue) no origin to go back to: left as it is
                        }
                    }
                });
            }
            outcome = new Outcome(action, rows, records[0]);
        }
        log.info("Dead-letter console: {} by {}: {} -> {} outbox row(s), {} topic record(s)", action, operator,
                all ? "all" : row ? "outbox row " + t.outboxId() : KafkaBacklog.where(t.topic(), t.partition(), t.offset()),
                outcome.outboxRows(), outcome.topicRecords());
        return outcome;
    }

    /** One row: the same statements as scripts/outbox/requeue.sql and discard.sql, in one transaction. */
    private int outboxRow(String action, long id) {
        return transaction.execute(status -> outboxRows(action, List.of(id)));
    }

    /**
     * Every row a listing showed: at most its highest id, and dead-lettered before it was taken (a
     * row that was retrying then, or failed again after a requeue, was not shown). The rows are
     * locked first so that only their held orders are released.
     */
    private int outboxRowsUpTo(String action, long upTo, Instant listedAt) {
        return transaction.execute(status -> outboxRows(action, mysql.queryForList("SELECT id FROM outbox WHERE failed_at IS NOT NULL "
                + "AND discarded_at IS NULL AND id <= ? AND failed_at <= ? ORDER BY id FOR UPDATE", Long.class, upTo,
                SqlTime.param(listedAt))));
    }

    private int outboxRows(String action, List<Long> ids) {
        int changed = 0;
        for (Long id : ids) {
            int one = "requeue".equals(action)
                    ? mysql.update("UPDATE outbox SET processed = 0, processed_at = DEFAULT, failed_at = NULL, attempts = 0, "
                            + "next_attempt_at = NULL, last_error = LEFT(CONCAT('requeued; was: ', COALESCE(last_error, '')), 2000) "
                            + "WHERE failed_at IS NOT NULL AND discarded_at IS NULL AND id = ?", id)
                    : mysql.update("UPDATE outbox SET discarded_at = NOW(6), "
                            + "last_error = LEFT(CONCAT('discarded; was: ', COALESCE(last_error, '')), 2000) "
                            + "WHERE failed_at IS NOT NULL AND discarded_at IS NULL AND id = ?", id);
            if (one > 0) {
                mysql.update("DELETE FROM outbox_held_orders WHERE outbox_id = ?", id);
                changed += one;
            }
        }
        return changed;
    }

    private void topicRecord(String action, KafkaBacklog.DeadLetterRecord r, String operator) {
        String origin = originTopic(r);
        transaction.executeWithoutResult(status -> {
            try {
                mysql.update("INSERT INTO dead_letter_decisions (topic, partition_no, offset_no, action, decided_by) "
                        + "VALUES (?, ?, ?, ?, ?)", r.topic(), r.partition(), r.offset(), action, operator);
            } catch (DuplicateKeyException e) {
                throw ApiProblem.conflict("Record " + r.where() + " was decided on already");
            }
            if ("requeue".equals(action)) {
                if (origin == null) {
                    throw ApiProblem.conflict("Record " + r.where()
                            + " does not say which pipeline topic it came from (dlq.origin): discard it, or send it yourself");
                }
                // Sent before the decision commits: a failed send leaves the record undecided.
                Map<String, Object> headers = new java.util.HashMap<>();
                for (String h : List.of("id", "eventType", "aggregateType")) {
                    if (r.headers().containsKey(h)) {
                        headers.put(h, r.headers().get(h));
                    }
                }
                if (r.key() != null) {
                    headers.put(KafkaConstants.KEY, r.key());
                }
                headers.put(KafkaConstants.OVERRIDE_TIMESTAMP, r.timestamp());
                // Bounded: the MySQL transaction stays open while Kafka is asked (camel-kafka waits up to 2 min by default).
                camel.sendBodyAndHeaders("kafka:" + origin + "?requestRequiredAcks=all&maxBlockMs=5000&requestTimeoutMs=5000"
                        + "&deliveryTimeoutMs=10000", r.value(), headers);
            }
        });
        decided.add(r.where());
        kafka.forget(r.topic(), r.partition(), r.offset());
    }

    /** The pipeline topic a record came from (dlq.origin is "topic/partition/offset"), when it is one of ours. */
    private String originTopic(KafkaBacklog.DeadLetterRecord r) {
        String origin = r.headers().get("dlq.origin");
        if (origin == null) {
            return null;
        }
        String topic = origin.contains("/") ? origin.substring(0, origin.indexOf('/')) : origin;
        return topic.equals(topics.orderEvents()) || topic.equals(topics.analyticsOrders()) ? topic : null;
    }

    /** The dead-letter topics' records no operator (of any instance) has decided on, the relay's own left out. */
    private KafkaBacklog.Listing undecided() {
        refreshDecided();
        return kafka.deadLetterRecords();
    }

    /** The decided records' keys, read from MySQL the first time they are needed (the reader may ask before any listing). */
    private Set<String> decided() {
        if (!decidedLoaded) {
            try {
                refreshDecided();
            } catch (org.springframework.dao.DataAccessException e) {
                log.debug("Decisions not read yet: {}", e.toString());
            }
        }
        return decided;
    }

    private void refreshDecided() {
        Set<String> now = new HashSet<>(mysql.queryForList(
                "SELECT CONCAT(topic, '/', partition_no, '/', offset_no) FROM dead_letter_decisions", String.class));
        decided.addAll(now);
        decided.retainAll(now);
        decidedLoaded = true;
    }

    /** The relay's own records on order.events.dlq: shown and acted on as their outbox rows. */
    private static boolean relays(KafkaBacklog.DeadLetterRecord r) {
        return "outbox".equals(r.headers().get("dlq.source"));
    }

    private static TopicDeadLetter shown(KafkaBacklog.DeadLetterRecord r) {
        return new TopicDeadLetter(r.topic(), r.partition(), r.offset(), Instant.ofEpochMilli(r.timestamp()), r.key(),
                r.headers().get("dlq.source"), r.headers().get("dlq.origin"), r.headers().get("dlq.reason"),
                r.headers().get("id"), r.value(), r.cut());
    }
}
