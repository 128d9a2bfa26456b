package io.orderpipeline.outbox;

import java.time.LocalDateTime;

/** A claimed outbox row (sql/outbox/claim.sql), as the relay's claim hands it on (OutboxRows). */
public record OutboxRow(long id, String eventId, String aggregateType, String aggregateId, String eventType,
                        String payload, int attempts, String lastError, LocalDateTime createdAt) {
}
