package io.orderpipeline.outbox;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.orderpipeline.platform.SqlTime;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Appends an event to the outbox inside the caller's transaction, so the event exists exactly when
 * the change it describes was committed.
 */
@Component
public class OutboxWriter {

    /** Bumped when the envelope below changes in a way a consumer must know about. */
    public static final int SCHEMA_VERSION = 1;

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public OutboxWriter(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * @param data the event's own fields (for an order: {@code order}, and {@code previousStatus} on a
     *             change), placed beside the envelope's
     * @return the event id
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public String append(String aggregateType, String aggregateId, String eventType, Instant occurredAt,
                         Map<String, ?> data) {
        String eventId = UUID.randomUUID().toString();
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("eventId", eventId);
        envelope.put("eventType", eventType);
        envelope.put("schemaVersion", SCHEMA_VERSION);
        envelope.put("aggregateType", aggregateType);
        envelope.put("aggregateId", aggregateId);
        envelope.put("occurredAt", occurredAt);
        envelope.putAll(data);
        try {
            jdbc.update("INSERT INTO outbox (event_id, aggregate_type, aggregate_id, event_type, payload, created_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?)", eventId, aggregateType, aggregateId, eventType,
                    json.writeValueAsString(envelope), SqlTime.param(occurredAt));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event " + eventType + " could not be serialised", e);
        }
        return eventId;
    }
}
