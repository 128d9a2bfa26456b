package io.orderpipeline.sink;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.orderpipeline.platform.ClickHouseHttp;

import org.springframework.stereotype.Component;

/**
 * Looks event ids up in orders_analytics. The event_time range keeps the lookup within the
 * primary key's first column, so it reads a few granules, not the table.
 */
@Component
public class ClickHouseStoredEvents implements StoredEvents {

    /** Ids per lookup: 2,000 quoted UUIDs stay far below ClickHouse's max_query_size (256 KiB). */
    static final int IDS_PER_QUERY = 2000;

    private final ClickHouseHttp clickhouse;

    public ClickHouseStoredEvents(ClickHouseHttp clickhouse) {
        this.clickhouse = clickhouse;
    }

    @Override
    public Map<String, List<Location>> locations(Collection<String> eventIds, String minTime, String maxTime) {
        List<String> all = List.copyOf(eventIds);
        Map<String, List<Location>> found = new HashMap<>();
        for (int from = 0; from < all.size(); from += IDS_PER_QUERY) {
            // Ids and times were validated (UUID, fixed time format) before they get here.
            String ids = all.subList(from, Math.min(all.size(), from + IDS_PER_QUERY)).stream()
                    .map(id -> "'" + id + "'").collect(Collectors.joining(","));
            String out = clickhouse.query("SELECT toString(event_id), sink_block "
                    + "FROM analytics.orders_analytics WHERE event_time >= '" + minTime + "' AND event_time <= '"
                    + maxTime + "' AND event_id IN (" + ids + ")");
            out.lines().filter(l -> !l.isBlank()).forEach(line -> {
                String[] f = line.split("\t", -1);
                found.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new Location(f.length > 1 ? f[1] : ""));
            });
        }
        return found;
    }
}
