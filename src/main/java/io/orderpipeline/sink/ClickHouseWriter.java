package io.orderpipeline.sink;

import io.orderpipeline.platform.ClickHouseRefusedException;
import io.orderpipeline.platform.ClickHouseHttp;
import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;

/**
 * Inserts a batch into orders_analytics in one request. When ClickHouse refuses the content, the
 * batch is halved until the refused rows are alone; they are returned (for the dead-letter topic)
 * and the rest is inserted, left half before right, so rows of a partition go in offset order.
 * Any other failure is thrown: the whole batch is retried later.
 */
@Component
public class ClickHouseWriter {

    public static final String TABLE = "analytics.orders_analytics";

    private final ClickHouseHttp clickhouse;

    public ClickHouseWriter(ClickHouseHttp clickhouse) {
        this.clickhouse = clickhouse;
    }

    public List<RefusedRow> insert(List<SinkRow> rows) {
        List<RefusedRow> refused = new ArrayList<>();
        insert(rows, refused);
        return refused;
    }

    private void insert(List<SinkRow> rows, List<RefusedRow> refused) {
        if (rows.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        try {
            clickhouse.insertJsonEachRow(TABLE, rows.stream().map(r -> r.row().put("ingested_ms", now).toString()).toList());
        } catch (ClickHouseRefusedException e) {
            if (!e.isContent()) {
                throw e;
            }
            if (rows.size() == 1) {
                SinkRow r = rows.get(0);
                refused.add(new RefusedRow(r.partition(), r.offset(), r.key(), r.row().toString(),
                        "ClickHouse refused the row: " + e.getMessage()));
                return;
            }
            int half = rows.size() / 2;
            insert(rows.subList(0, half), refused);
            insert(rows.subList(half, rows.size()), refused);
        }
    }
}
