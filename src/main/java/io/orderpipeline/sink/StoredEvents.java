package io.orderpipeline.sink;

import java.util.Collection;
import java.util.Set;

/** Which of some event ids orders_analytics holds already: the sink's de-duplication. */
public interface StoredEvents {

    /** @param minTime,maxTime the rows' event_time range ("yyyy-MM-dd HH:mm:ss"): the lookup stays in it */
    Set<String> existing(Collection<String> eventIds, String minTime, String maxTime);
}
