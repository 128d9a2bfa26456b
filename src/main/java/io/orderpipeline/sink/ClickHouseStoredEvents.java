package io.orderpipeline.sink;

import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;

/**
 * Looks event ids up in orders_analytics. The event_time range keeps the lookup within the
 * primary key's first column, so it reads a few granules, not the table.
 */
@Component
public class ClickHouseStoredEvents implements StoredEvents {

    private final ClickHouseHttp clickhouse;

    public ClickHouseStoredEvents(ClickHouseHttp clickhouse) {
        this.clickhouse = clickhouse;
    }

    @Override
    public Set<String> existing(Collection<String> eventIds, String minTime, String maxTime) {
        if (eventIds.isEmpty()) {
            return Set.of();
        }
        // Ids and times were validated (UUID, fixed time format) before they get here.
        String ids = eventIds.stream().map(id -> "'" + id + "'").collect(Collectors.joining(","));
        String out = clickhouse.query("SELECT toString(event_id) FROM analytics.orders_analytics WHERE event_time >= '"
                + minTime + "' AND event_time <= '" + maxTime + "' AND event_id IN (" + ids + ")");
        return out.lines().filter(l -> !l.isBlank()).collect(Collectors.toSet());
    }
}
