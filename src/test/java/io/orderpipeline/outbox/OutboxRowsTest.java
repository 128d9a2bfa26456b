package io.orderpipeline.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.BeanPropertyRowMapper;
import org.springframework.jdbc.core.ColumnMapRowMapper;
import org.springframework.jdbc.core.RowMapper;

/** The claim's rows as OutboxRows, by the columns' names whatever their order; anything else as camel-sql maps it. */
class OutboxRowsTest {

    static final List<String> COLUMNS = List.of("created_at", "id", "event_id", "aggregate_type", "aggregate_id",
            "event_type", "payload", "attempts", "last_error");
    static final LocalDateTime T = LocalDateTime.of(2026, 11, 27, 9, 0, 0, 123_456_000);

    @Test
    void aClaimedRowBecomesAnOutboxRowByItsColumnNamesFoundOnce() throws Exception {
        ResultSet rs = mock(ResultSet.class);
        for (String c : COLUMNS) {
            when(rs.findColumn(c)).thenReturn(COLUMNS.indexOf(c) + 1);
        }
        when(rs.getLong(2)).thenReturn(7L, 8L);
        when(rs.getString(3)).thenReturn("event-7", "event-8");
        when(rs.getString(4)).thenReturn("Order");
        when(rs.getString(5)).thenReturn("order-a");
        when(rs.getString(6)).thenReturn("OrderCreated");
        when(rs.getString(7)).thenReturn("{\"seq\":1}");
        when(rs.getInt(8)).thenReturn(2);
        when(rs.getString(9)).thenReturn(null, "RecordTooLargeException");
        when(rs.getObject(1, LocalDateTime.class)).thenReturn(T);

        @SuppressWarnings("unchecked")
        RowMapper<OutboxRow> mapper = (RowMapper<OutboxRow>) new OutboxRows().newBeanRowMapper(OutboxRow.class);

        assertThat(mapper.mapRow(rs, 0)).isEqualTo(
                new OutboxRow(7, "event-7", "Order", "order-a", "OrderCreated", "{\"seq\":1}", 2, null, T));
        assertThat(mapper.mapRow(rs, 1).lastError()).isEqualTo("RecordTooLargeException");
        verify(rs, times(COLUMNS.size())).findColumn(anyString());
    }

    @Test
    void aClaimWithoutAColumnFailsNamingIt() throws Exception {
        ResultSet rs = mock(ResultSet.class);
        when(rs.findColumn(anyString())).thenReturn(1);
        when(rs.findColumn("last_error")).thenThrow(new SQLException("Column 'last_error' not found."));
        RowMapper<?> mapper = new OutboxRows().newBeanRowMapper(OutboxRow.class);

        assertThatThrownBy(() -> mapper.mapRow(rs, 0)).hasMessageContaining("last_error");
    }

    @Test
    void otherClassesAndColumnMapsAreCamelSqlsDefaults() {
        OutboxRows rows = new OutboxRows();
        assertThat(rows.newColumnRowMapper()).isInstanceOf(ColumnMapRowMapper.class);
        assertThat(rows.newBeanRowMapper(Map.class)).isInstanceOf(BeanPropertyRowMapper.class);
    }
}
