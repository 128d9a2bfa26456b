package io.orderpipeline.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.startsWith;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionTemplate;

/** An outbox event is written only inside a transaction on the app's DataSource, as MANDATORY propagation would have it. */
class OutboxWriterTest {

    private static final Instant T = Instant.parse("2026-11-28T01:00:00.123456Z");

    @Test
    void outsideATransactionNothingIsWrittenAndTheCallerHearsWhy() throws Exception {
        DataSource ds = mock(DataSource.class);
        OutboxWriter writer = writerOn(ds);

        assertThatThrownBy(() -> writer.append("Order", "o-1", "OrderCreated", T, Map.of()))
                .isInstanceOf(IllegalTransactionStateException.class)
                .hasMessageContaining("transaction");
        verify(ds, never()).getConnection();
    }

    @Test
    void aTransactionOnAnotherDataSourceIsNotTheOutboxs() throws Exception {
        DataSource outboxDs = mock(DataSource.class);
        DataSource other = dataSourceWith(mock(Connection.class));
        OutboxWriter writer = writerOn(outboxDs);

        assertThatThrownBy(() -> new TransactionTemplate(new DataSourceTransactionManager(other)).executeWithoutResult(
                s -> writer.append("Order", "o-1", "OrderCreated", T, Map.of())))
                .isInstanceOf(IllegalTransactionStateException.class);
        verify(outboxDs, never()).getConnection();
    }

    @Test
    void insideItsTransactionTheEventGoesInWithATimeOrderedId() throws Exception {
        Connection connection = mock(Connection.class);
        PreparedStatement insert = mock(PreparedStatement.class);
        when(connection.prepareStatement(anyString())).thenReturn(insert);
        DataSource ds = dataSourceWith(connection);
        OutboxWriter writer = writerOn(ds);

        String first = new TransactionTemplate(new DataSourceTransactionManager(ds)).execute(
                s -> writer.append("Order", "o-1", "OrderCreated", T, Map.of("order", Map.of("id", "o-1"))));
        String second = new TransactionTemplate(new DataSourceTransactionManager(ds)).execute(
                s -> writer.append("Order", "o-1", "OrderCreated", T, Map.of()));

        verify(connection, times(2)).prepareStatement(startsWith("INSERT INTO outbox "));
        verify(insert).setString(1, first);
        verify(connection, times(2)).commit();
        assertThat(UUID.fromString(first).version()).isEqualTo(7);
        assertThat(second).isNotEqualTo(first);
    }

    private static OutboxWriter writerOn(DataSource ds) {
        return new OutboxWriter(new JdbcTemplate(ds), new ObjectMapper().findAndRegisterModules());
    }

    private static DataSource dataSourceWith(Connection connection) throws Exception {
        DataSource ds = mock(DataSource.class);
        when(ds.getConnection()).thenReturn(connection);
        when(connection.getAutoCommit()).thenReturn(true);
        return ds;
    }
}
