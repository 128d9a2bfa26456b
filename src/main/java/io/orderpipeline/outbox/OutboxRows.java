package io.orderpipeline.outbox;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;

import org.apache.camel.component.sql.DefaultRowMapperFactory;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * camel-sql's row mapping for the relay's claim (its endpoint's rowMapperFactory, with
 * outputClass OutboxRow): each row straight into an {@link OutboxRow}, its columns found once per
 * claim. camel-sql's default makes each row a case-insensitive map of its columns (Spring's
 * ColumnMapRowMapper), which with the lookups into it was a fifth of the relay thread's CPU;
 * its bean mapper (BeanPropertyRowMapper) sets properties by reflection and cannot make records.
 * Any other class maps as camel-sql's default does.
 */
@Component("outboxRows")
public class OutboxRows extends DefaultRowMapperFactory {

    /** OutboxRow's components, in order, by the claim's column names. */
    private static final String[] COLUMNS = {"id", "event_id", "aggregate_type", "aggregate_id", "event_type", "payload",
            "attempts", "last_error", "created_at"};

    @Override
    public RowMapper<?> newBeanRowMapper(Class<?> mappedClass) {
        return mappedClass == OutboxRow.class ? new Claimed() : super.newBeanRowMapper(mappedClass);
    }

    /** One claim's rows (camel-sql asks for a mapper per query). */
    private static final class Claimed implements RowMapper<OutboxRow> {
        private int[] at;

        @Override
        public OutboxRow mapRow(ResultSet rs, int rowNum) throws SQLException {
            if (at == null) {
                at = new int[COLUMNS.length];
                for (int i = 0; i < COLUMNS.length; i++) {
                    at[i] = rs.findColumn(COLUMNS[i]);
                }
            }
            return new OutboxRow(rs.getLong(at[0]), rs.getString(at[1]), rs.getString(at[2]), rs.getString(at[3]),
                    rs.getString(at[4]), rs.getString(at[5]), rs.getInt(at[6]), rs.getString(at[7]),
                    rs.getObject(at[8], LocalDateTime.class));
        }
    }
}
