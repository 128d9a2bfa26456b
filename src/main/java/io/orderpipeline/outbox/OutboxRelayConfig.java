package io.orderpipeline.outbox;

import java.util.Properties;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Route;
import org.apache.camel.support.LoggingExceptionHandler;
import org.apache.camel.throttling.ThrottlingExceptionRoutePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What routes/outbox-relay.camel.yaml refers to by name: its connection pool and transaction, its
 * Kafka transaction, its circuit breaker, and the log for failed ticks.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({OutboxRelayProperties.class, OutboxProducerProperties.class})
public class OutboxRelayConfig {

    public static final String DATA_SOURCE = "outboxRelayDataSource";

    /**
     * The relay's own small pool, beside the intake's. Its sessions have a short server-side
     * timeout: a relay whose connection dies silently in the middle of a batch would otherwise keep
     * that batch's row locks (and so stop the next leader) for the server's default of 8 hours.
     */
    @Bean(name = DATA_SOURCE, defaultCandidate = false, destroyMethod = "close")
    HikariDataSource outboxRelayDataSource(DataSource mysql, OutboxRelayProperties props) {
        HikariDataSource main = (HikariDataSource) mysql;
        HikariDataSource ds = new HikariDataSource();
        ds.setPoolName("outbox-relay");
        ds.setJdbcUrl(main.getJdbcUrl());
        ds.setUsername(main.getUsername());
        ds.setPassword(main.getPassword());
        Properties driver = new Properties();
        driver.putAll(main.getDataSourceProperties());
        ds.setDataSourceProperties(driver);
        ds.setMaximumPoolSize(props.poolSize());
        ds.setMinimumIdle(0);
        ds.setConnectionTimeout(main.getConnectionTimeout());
        ds.setValidationTimeout(main.getValidationTimeout());
        // A lock wait (behind a slow intake transaction) is an error within seconds, not a silent 50 s.
        ds.setConnectionInitSql("SET SESSION wait_timeout = " + Math.max(1, props.sessionTimeout().toSeconds())
                + ", innodb_lock_wait_timeout = 10");
        ds.setInitializationFailTimeout(-1);
        // The transaction's own level (outboxRelayTx) from the start: Spring then sets and resets it
        // on no batch, two round trips fewer each.
        ds.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        return ds;
    }

    /** transacted: outboxRelayTx. READ COMMITTED: the claim locks the rows it reads, not the gaps, so intake never waits. */
    @Bean("outboxRelayTx")
    CallerRetriedTransactionPolicy outboxRelayTx(@Qualifier(DATA_SOURCE) HikariDataSource relayDataSource) {
        TransactionTemplate template = new TransactionTemplate(new DataSourceTransactionManager(relayDataSource));
        template.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        template.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        return new CallerRetriedTransactionPolicy(template);
    }

    @Bean("outboxKafkaTransaction")
    OutboxKafkaTransaction outboxKafkaTransaction(OutboxRelayProperties relay, OutboxProducerProperties producer) {
        return new OutboxKafkaTransaction(relay.transactionalId(), producer.transactionTimeoutMs(),
                producer.deliveryTimeoutMs() + 1000L);
    }

    /**
     * Camel's circuit breaker: after a few failed ticks the relay stops for a while (its master:
     * consumer stops, which also lets another instance take the relay over), then tries once.
     */
    @Bean("outboxRelayCircuitBreaker")
    ThrottlingExceptionRoutePolicy outboxRelayCircuitBreaker(OutboxRelayProperties props, OutboxMetrics metrics) {
        return new CircuitBreaker(props, metrics);
    }

    /**
     * The breaker, saying when it opens and closes (its own state log is per exchange). Two
     * corrections to Camel's: a probe that succeeds while half open closes the circuit (Camel's
     * counts the failures from before the pause and opens it again for the rest of the window),
     * and failures older than the window are forgotten (Camel's keep counting until it closes).
     */
    static final class CircuitBreaker extends ThrottlingExceptionRoutePolicy {
        private static final Logger log = LoggerFactory.getLogger(CircuitBreaker.class);
        private final OutboxRelayProperties props;
        private final OutboxMetrics metrics;
        private volatile boolean lastFailed;
        private volatile long lastFailureMs;

        CircuitBreaker(OutboxRelayProperties props, OutboxMetrics metrics) {
            super(props.circuitFailureThreshold(), props.circuitFailureWindow().toMillis(),
                    props.circuitHalfOpenAfter().toMillis(), null);
            this.props = props;
            this.metrics = metrics;
        }

        @Override
        public void onExchangeDone(Route route, Exchange exchange) {
            lastFailed = exchange.getException() != null;
            long now = System.currentTimeMillis();
            if (lastFailed) {
                lastFailureMs = now;
            } else if (lastFailureMs > 0 && now - lastFailureMs > props.circuitFailureWindow().toMillis()
                    && "closed".equals(getStateAsString())) {
                lastFailureMs = 0;
                closeCircuit(route); // resets the count of failures now out of the window
            }
            super.onExchangeDone(route, exchange);
        }

        @Override
        protected boolean isThresholdExceeded() {
            if ("half opened".equals(getStateAsString()) && !lastFailed) {
                return false;
            }
            return super.isThresholdExceeded();
        }

        @Override
        protected void openCircuit(Route route) {
            if (!"opened".equals(getStateAsString())) {
                log.warn("Outbox relay circuit opens: {} failed ticks; the relay pauses {} s", props.circuitFailureThreshold(),
                        props.circuitHalfOpenAfter().toSeconds());
            }
            super.openCircuit(route);
            metrics.circuitOpen(true);
        }

        @Override
        protected void halfOpenCircuit(Route route) {
            log.info("Outbox relay circuit half-opens: one attempt");
            super.halfOpenCircuit(route);
        }

        @Override
        protected void closeCircuit(Route route) {
            if (!"closed".equals(getStateAsString())) {
                log.info("Outbox relay circuit closes: relaying again");
            }
            super.closeCircuit(route);
            metrics.circuitOpen(false);
        }
    }

    /** A failed tick was logged by the error handler already; the timer notes it at DEBUG only. */
    @Bean("outboxRelayTickFailures")
    LoggingExceptionHandler outboxRelayTickFailures(CamelContext camel) {
        return new LoggingExceptionHandler(camel, OutboxRelayConfig.class, LoggingLevel.DEBUG);
    }
}
