package io.orderpipeline.sink;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.orderpipeline.platform.ClickHouseHttp;

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
    public Map<String, List<Location>> locations(Collection<String> eventIds, String minTime, String maxTime) {
        Map<String, List<Location>> found = new HashMap<>();
        // The ids go as a table of their own (validated UUIDs, so plain TSV); times were validated too.
        String out = clickhouse.queryWith("ids", "id", "UUID", List.copyOf(eventIds),
                "SELECT toString(event_id), sink_block FROM analytics.orders_analytics WHERE event_time >= '" + minTime
                        + "' AND event_time <= '" + maxTime + "' AND event_id IN ids");
        out.lines().filter(l -> !l.isBlank()).forEach(line -> {
            String[] f = line.split("\t", -1);
            found.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new Location(f.length > 1 ? f[1] : ""));
        });
        return found;
    }
}
