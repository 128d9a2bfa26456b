package io.orderpipeline.sink;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Where orders_analytics holds some events already: the sink's de-duplication of republished events. */
public interface StoredEvents {

    /** Which sink block stored a row ('' for rows another writer inserted, e.g. Kafka Connect). */
    record Location(String block) {
    }

    /**
     * @param minTime,maxTime the events' event_time range ("yyyy-MM-dd HH:mm:ss"): an event has the
     *                        same time each time it is published, and the lookup stays in the range
     * @return for each event id found, the blocks that stored it
     */
    Map<String, List<Location>> locations(Collection<String> eventIds, String minTime, String maxTime);
}
