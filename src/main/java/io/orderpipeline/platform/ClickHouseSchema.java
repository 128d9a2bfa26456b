package io.orderpipeline.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;


import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.ResourceLoader;
import org.springframework.stereotype.Component;

/**
 * Applies scripts/init-clickhouse.sql (every statement IF NOT EXISTS) when the app starts, before
 * the routes do. When ClickHouse is not reachable yet, the app starts anyway and keeps trying in
 * the background, so a ClickHouse that comes up later gets its schema without a restart.
 */
@Component
public class ClickHouseSchema implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClickHouseSchema.class);

    private final ClickHouseHttp clickhouse;
    private final ClickHouseProperties props;
    private final ResourceLoader resources;
    private final AtomicBoolean applied = new AtomicBoolean();
    private volatile ScheduledExecutorService retry;
    private volatile boolean running;

    public ClickHouseSchema(ClickHouseHttp clickhouse, ClickHouseProperties props, ResourceLoader resources) {
        this.clickhouse = clickhouse;
        this.props = props;
        this.resources = resources;
    }

    /** True once the schema script ran to the end against the server. */
    public boolean isApplied() {
        return applied.get();
    }

    /**
     * Runs the schema script now; safe to call any number of times. Over HTTP with no current
     * database: the app's login may use "analytics" only, and the JDBC pool's connections (which
     * name analytics as theirs) cannot open before the script has created it.
     */
    public void apply() {
        String script;
        try {
            script = resources.getResource(props.schemaLocation()).getContentAsString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + props.schemaLocation(), e);
        }
        statements(script).forEach(clickhouse::execute);
        applied.set(true);
    }

    /**
     * The statements of a SQL script written as init-clickhouse.sql is: each ends with ";" at the
     * end of a line, and "--" lines are comments. (Spring's script splitter is internal since 6.2.)
     */
    public static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            if (line.trim().startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (line.trim().endsWith(";")) {
                out.add(current.toString().trim().replaceAll(";$", ""));
                current.setLength(0);
            }
        }
        return out;
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
