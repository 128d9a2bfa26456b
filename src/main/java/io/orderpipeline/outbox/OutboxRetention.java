package io.orderpipeline.outbox;

import java.time.Instant;

import io.orderpipeline.platform.SqlTime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Deletes published outbox rows older than the retention, oldest first, in small batches (each its
 * own short statement through idx_outbox_processed_at) so the table is never locked for long.
 * Dead-lettered rows stay until someone requeues or removes them.
 */
@Component
public class OutboxRetention {

    private static final Logger log = LoggerFactory.getLogger(OutboxRetention.class);
    private static final int MAX_BATCHES_PER_RUN = 100;

    private final JdbcTemplate jdbc;
    private final OutboxRelayProperties props;

    public OutboxRetention(JdbcTemplate jdbc, OutboxRelayProperties props) {
        this.jdbc = jdbc;
        this.props = props;
    }

    /** @return rows deleted */
    public int purge() {
        String cutoff = SqlTime.param(Instant.now().minus(props.retention()));
        int total = 0;
        for (int i = 0; i < MAX_BATCHES_PER_RUN; i++) {
            int deleted = jdbc.update("DELETE FROM outbox WHERE processed_at < ? AND processed = 1 AND failed_at IS NULL "
                    + "ORDER BY processed_at LIMIT ?", cutoff, props.retentionBatch());
            total += deleted;
            if (deleted < props.retentionBatch()) {
                break;
            }
        }
        if (total > 0) {
            log.info("Deleted {} outbox rows published before {}", total, cutoff);
        }
        return total;
    }
}
