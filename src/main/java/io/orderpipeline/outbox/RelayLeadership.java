package io.orderpipeline.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One relay at a time across all app instances: the holder of a MySQL named lock (GET_LOCK) on a
 * connection of its own relays; the others stand by and try again every standby interval. The lock
 * lives as long as that connection, so an instance that dies, or loses its database connection,
 * hands over without anyone having to notice a timeout.
 */
@Component
public class RelayLeadership implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RelayLeadership.class);

    private final DataSource dataSource;
    private final OutboxRelayProperties props;
    private Connection lockConnection;
    private long nextAttemptNanos;

    public RelayLeadership(DataSource dataSource, OutboxRelayProperties props) {
        this.dataSource = dataSource;
        this.props = props;
    }

    /** True while this instance holds the lock; tries to take it when not held (at most once per standby interval). */
    public synchronized boolean holds() {
        if (lockConnection != null) {
            try {
                if (lockConnection.isValid(2)) {
                    return true;
                }
            } catch (SQLException e) {
                // fall through: the connection, and with it the lock, is gone
            }
            log.warn("Outbox relay lost its leadership connection; standing by");
            release();
        }
        long now = System.nanoTime();
        if (now < nextAttemptNanos) {
            return false;
        }
        nextAttemptNanos = now + props.standbyInterval().toNanos();
        return tryAcquire();
    }

    private boolean tryAcquire() {
        Connection c = null;
        try {
            c = dataSource.getConnection();
            c.setAutoCommit(true);
            try (PreparedStatement s = c.prepareStatement("SELECT GET_LOCK(?, 0)")) {
                s.setString(1, props.leaderLock());
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next() && rs.getInt(1) == 1) {
                        lockConnection = c;
                        log.info("This instance now relays the outbox (holds lock '{}')", props.leaderLock());
                        return true;
                    }
                }
            }
            c.close();
            return false;
        } catch (SQLException e) {
            log.debug("Could not try the relay lock: {}", e.getMessage());
            closeQuietly(c);
            return false;
        }
    }

    /** Gives the lock up (it goes with the connection). */
    public synchronized void release() {
        if (lockConnection != null) {
            try (PreparedStatement s = lockConnection.prepareStatement("SELECT RELEASE_LOCK(?)")) {
                s.setString(1, props.leaderLock());
                s.execute();
            } catch (SQLException e) {
                // the connection is broken: closing it releases the lock on the server
            }
            closeQuietly(lockConnection);
            lockConnection = null;
        }
    }

    @Override
    public void close() {
        release();
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // nothing left to do
            }
        }
    }
}
