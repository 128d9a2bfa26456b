package io.orderpipeline.ops;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.orderpipeline.platform.ApiProblem;
import io.orderpipeline.platform.KafkaTopics;
import io.orderpipeline.platform.SqlTime;
import io.swagger.v3.oas.annotations.media.Schema;

import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
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

    @Schema(description = "Everything dead-lettered and not yet decided on")
    public record DeadLetters(List<OutboxDeadLetter> outbox, List<HeldOrder> heldOrders, List<TopicDeadLetter> topicRecords) {
    }

    @Schema(description = "What to act on: one outbox row (outboxId), one topic record (topic, partition, offset), or all=true")
    public record Target(
            @Schema(description = "An outbox row's id", example = "42") Long outboxId,
            @Schema(description = "A dead-letter topic", example = "analytics.orders.dlq") String topic,
            @Schema(description = "The record's partition", example = "0") Integer partition,
            @Schema(description = "The record's offset", example = "17") Long offset,
            @Schema(description = "Every outbox dead letter and every undecided topic record", example = "false") Boolean all) {
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

    public DeadLetterConsole(JdbcTemplate mysql, TransactionTemplate transaction, KafkaBacklog kafka, ProducerTemplate camel,
                             KafkaTopics topics) {
        this.mysql = mysql;
        this.transaction = transaction;
        this.kafka = kafka;
        this.camel = camel;
        this.topics = topics;
    }

    public DeadLetters list() {
        // The payload's start only: outbox dead letters are often the oversized ones (up to 900 kB).
        List<OutboxDeadLetter> outbox = mysql.query("SELECT id, event_id, aggregate_id, event_type, attempts, failed_at, "
                + "last_error, LEFT(payload, 16384) FROM outbox WHERE failed_at IS NOT NULL AND discarded_at IS NULL "
                + "ORDER BY id LIMIT 1000", (rs, i) -> new OutboxDeadLetter(rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getInt(5), SqlTime.read(rs.getObject(6, LocalDateTime.class)), rs.getString(7),
                        rs.getString(8)));
        List<HeldOrder> held = mysql.query("SELECT aggregate_id, outbox_id, held_at, reason FROM outbox_held_orders "
                + "ORDER BY held_at LIMIT 1000", (rs, i) -> new HeldOrder(rs.getString(1), rs.getLong(2),
                        SqlTime.read(rs.getObject(3, LocalDateTime.class)), rs.getString(4)));
        return new DeadLetters(outbox, held, undecided());
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
            throw ApiProblem.badRequest("Name one target: outboxId, or topic with partition and offset, or all=true",
                    List.of(new ApiProblem.FieldError("all", "exactly one of outboxId, topic+partition+offset, all=true")));
        }
        Outcome outcome;
        if (row) {
            outcome = new Outcome(action, outboxRows(action, t.outboxId()), 0);
            if (outcome.outboxRows() == 0) {
                throw ApiProblem.notFound("No dead-lettered outbox row " + t.outboxId() + " waits for a decision");
            }
        } else if (record) {
            if (t.topic() == null || t.partition() == null || t.offset() == null) {
                throw ApiProblem.field(t.topic() == null ? "topic" : t.partition() == null ? "partition" : "offset",
                        "topic, partition and offset name a record together");
            }
            KafkaBacklog.DeadLetterRecord r = kafka.read(t.topic(), t.partition(), t.offset());
            if (r == null || "outbox".equals(r.headers().get("dlq.source"))) {
                throw ApiProblem.notFound("No record " + t.topic() + "/" + t.partition() + "/" + t.offset()
                        + " on a dead-letter topic" + (r == null ? "" : " (the relay's: act on its outbox row)"));
            }
            topicRecord(action, r, operator);
            outcome = new Outcome(action, 0, 1);
        } else {
            int rows = outboxRows(action, null);
            int records = 0;
            for (KafkaBacklog.DeadLetterRecord kept : undecidedRecords()) {
                // The kept copy is whole unless its value was cut; only those are read again.
                KafkaBacklog.DeadLetterRecord r = kept.cut() ? kafka.read(kept.topic(), kept.partition(), kept.offset()) : kept;
                if (r != null) {
                    try {
                        topicRecord(action, r, operator);
                        records++;
                    } catch (ApiProblem alreadyDecided) {
                        // another operator was quicker: nothing to do
                    }
                }
            }
            outcome = new Outcome(action, rows, records);
        }
        log.info("Dead-letter console: {} by {}: {} -> {} outbox row(s), {} topic record(s)", action, operator,
                all ? "all" : row ? "outbox row " + t.outboxId() : t.topic() + "/" + t.partition() + "/" + t.offset(),
                outcome.outboxRows(), outcome.topicRecords());
        return outcome;
    }

    /** The same statements as scripts/outbox/requeue.sql and discard.sql, in one transaction. */
    private int outboxRows(String action, Long id) {
        return transaction.execute(status -> {
            int changed = "requeue".equals(action)
                    ? mysql.update("UPDATE outbox SET processed = 0, processed_at = NULL, failed_at = NULL, attempts = 0, "
                            + "next_attempt_at = NULL, last_error = LEFT(CONCAT('requeued; was: ', COALESCE(last_error, '')), 2000) "
                            + "WHERE failed_at IS NOT NULL AND discarded_at IS NULL AND (? IS NULL OR id = ?)", id, id)
                    : mysql.update("UPDATE outbox SET discarded_at = NOW(6), "
                            + "last_error = LEFT(CONCAT('discarded; was: ', COALESCE(last_error, '')), 2000) "
                            + "WHERE failed_at IS NOT NULL AND discarded_at IS NULL AND (? IS NULL OR id = ?)", id, id);
            if (changed > 0) {
                mysql.update("DELETE FROM outbox_held_orders WHERE ? IS NULL OR outbox_id = ?", id, id);
            }
            return changed;
        });
    }

    private void topicRecord(String action, KafkaBacklog.DeadLetterRecord r, String operator) {
        String origin = originTopic(r);
        transaction.executeWithoutResult(status -> {
            try {
                mysql.update("INSERT INTO dead_letter_decisions (topic, partition_no, offset_no, action, decided_by) "
                        + "VALUES (?, ?, ?, ?, ?)", r.topic(), r.partition(), r.offset(), action, operator);
            } catch (DuplicateKeyException e) {
                throw ApiProblem.conflict("Record " + r.topic() + "/" + r.partition() + "/" + r.offset() + " was decided on already");
            }
            if ("requeue".equals(action)) {
                if (origin == null) {
                    throw ApiProblem.conflict("Record " + r.topic() + "/" + r.partition() + "/" + r.offset()
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
                camel.sendBodyAndHeaders("kafka:" + origin, r.value(), headers);
            }
        });
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

    /** The dead-letter topics' records no operator has decided on, the relay's own left out (they are outbox rows). */
    private List<KafkaBacklog.DeadLetterRecord> undecidedRecords() {
        Set<String> decided = new HashSet<>(mysql.queryForList(
                "SELECT CONCAT(topic, '/', partition_no, '/', offset_no) FROM dead_letter_decisions", String.class));
        return kafka.deadLetterRecords().stream().filter(r -> !"outbox".equals(r.headers().get("dlq.source"))
                && !decided.contains(r.topic() + "/" + r.partition() + "/" + r.offset())).toList();
    }

    private List<TopicDeadLetter> undecided() {
        List<TopicDeadLetter> out = new ArrayList<>();
        for (KafkaBacklog.DeadLetterRecord r : undecidedRecords()) {
            out.add(new TopicDeadLetter(r.topic(), r.partition(), r.offset(), Instant.ofEpochMilli(r.timestamp()), r.key(),
                    r.headers().get("dlq.source"), r.headers().get("dlq.origin"), r.headers().get("dlq.reason"),
                    r.headers().get("id"), r.value(), r.cut()));
        }
        return out;
    }
}
