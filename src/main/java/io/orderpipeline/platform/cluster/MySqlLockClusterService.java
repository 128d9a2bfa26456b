package io.orderpipeline.platform.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import javax.sql.DataSource;

import org.apache.camel.support.cluster.AbstractCamelClusterService;

/**
 * A {@link org.apache.camel.cluster.CamelClusterService} on MySQL named locks, so that routes
 * started with {@code master:<namespace>:...} run on one instance at a time. The leader of a
 * namespace holds {@code GET_LOCK('<prefix><namespace>')} on a connection of its own. Camel ships
 * file-lock, Kubernetes-lease, ZooKeeper and Consul services but none on JDBC; every instance of
 * this app already shares MySQL, so a deployment needs nothing more. Another service replaces this
 * one by configuration (app.cluster.mysql.enabled=false plus, e.g., camel.cluster.file.*).
 *
 * <p>The lock lives as long as the holder's database session: a crash, a kill or a closed
 * connection hands it over at once. A connection that dies silently (half-open) would keep it until
 * the server's wait_timeout, 8 hours by default, so the lock's session sets its own, short one: the
 * server ends a session that has not pinged for {@code sessionTimeout}, and the holder, which pings
 * every {@code checkInterval} with a bounded wait, gives leadership up as soon as a ping fails,
 * which is well before the server hands the lock to someone else.
 */
public class MySqlLockClusterService extends AbstractCamelClusterService<MySqlLockClusterView> {

    private final DataSource dataSource;
    private final String lockPrefix;
    private final Duration checkInterval;
    private final Duration sessionTimeout;
    private final Duration pingTimeout;
    private volatile ScheduledExecutorService scheduler;

    /**
     * @param dataSource     where lock connections come from; they are held for as long as the lock,
     *                       so give it connections of their own, not a pool's (closing one must end
     *                       the session)
     * @param sessionTimeout the lock session's wait_timeout: a silent holder loses the lock after this
     * @param pingTimeout    how long the holder waits for a ping's answer; with checkInterval, it
     *                       must stay below sessionTimeout so that the holder notices first
     */
    public MySqlLockClusterService(String id, DataSource dataSource, String lockPrefix, Duration checkInterval,
                                   Duration sessionTimeout, Duration pingTimeout) {
        super(id);
        if (checkInterval.plus(pingTimeout).compareTo(sessionTimeout) >= 0) {
            throw new IllegalArgumentException("check interval + ping timeout (" + checkInterval.plus(pingTimeout)
                    + ") must be shorter than the lock session's timeout (" + sessionTimeout + ")");
        }
        this.dataSource = dataSource;
        this.lockPrefix = lockPrefix;
        this.checkInterval = checkInterval;
        this.sessionTimeout = sessionTimeout;
        this.pingTimeout = pingTimeout;
    }

    @Override
    protected MySqlLockClusterView createView(String namespace) {
        return new MySqlLockClusterView(this, namespace, lockPrefix + namespace);
    }

    Duration checkInterval() {
        return checkInterval;
    }

    /** A connection for a lock: network waits bounded, and a server-side session timeout of its own. */
    Connection lockConnection() throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(true);
            c.setNetworkTimeout(Runnable::run, (int) pingTimeout.toMillis());
            try (var s = c.createStatement()) {
                s.execute("SET SESSION wait_timeout = " + Math.max(1, sessionTimeout.toSeconds()));
            }
            return c;
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    int pingTimeoutSeconds() {
        return (int) Math.max(1, pingTimeout.toSeconds());
    }

    synchronized ScheduledExecutorService scheduler() {
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "mysql-lock-cluster");
                t.setDaemon(true);
                return t;
            });
        }
        return scheduler;
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        synchronized (this) {
            if (scheduler != null) {
                scheduler.shutdownNow();
                scheduler = null;
            }
        }
    }
}
