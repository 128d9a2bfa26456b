package io.orderpipeline.platform;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.ResourceLoader;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.stereotype.Component;

/**
 * Applies scripts/init-clickhouse.sql (every statement IF NOT EXISTS) when the app starts, before
 * the routes do. When ClickHouse is not reachable yet, the app starts anyway and keeps trying in
 * the background, so a ClickHouse that comes up later gets its schema without a restart.
 */
@Component
public class ClickHouseSchema implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClickHouseSchema.class);

    private final DataSource dataSource;
    private final ClickHouseProperties props;
    private final ResourceLoader resources;
    private final AtomicBoolean applied = new AtomicBoolean();
    private volatile ScheduledExecutorService retry;
    private volatile boolean running;

    public ClickHouseSchema(@Qualifier(ClickHouseConfig.DATA_SOURCE) DataSource dataSource,
                            ClickHouseProperties props, ResourceLoader resources) {
        this.dataSource = dataSource;
        this.props = props;
        this.resources = resources;
    }

    /** True once the schema script ran to the end against the server. */
    public boolean isApplied() {
        return applied.get();
    }

    /** Runs the schema script now; safe to call any number of times. */
    public void apply() {
        new ResourceDatabasePopulator(resources.getResource(props.schemaLocation())).execute(dataSource);
        applied.set(true);
    }

    @Override
    public void start() {
        running = true;
        if (!props.initSchema() || tryApply()) {
            return;
        }
        retry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "clickhouse-schema");
            t.setDaemon(true);
            return t;
        });
        long every = props.schemaRetryInterval().toMillis();
        retry.scheduleWithFixedDelay(() -> {
            if (tryApply()) {
                retry.shutdown();
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    private boolean tryApply() {
        try {
            apply();
            log.info("ClickHouse schema is in place ({})", props.schemaLocation());
            return true;
        } catch (RuntimeException e) {
            log.warn("ClickHouse schema not applied yet, retrying in {}: {}", props.schemaRetryInterval(),
                    NestedExceptionUtils.getMostSpecificCause(e).getMessage());
            return false;
        }
    }

    @Override
    public void stop() {
        running = false;
        if (retry != null) {
            retry.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before Camel's routes (which start in the default phase), after the data sources exist. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 100;
    }
}
