package io.orderpipeline.platform.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.support.cluster.AbstractCamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One namespace of {@link MySqlLockClusterService}: every check interval, the leader pings its lock
 * connection and the others try to take the lock. Leadership events go to Camel's listeners (the
 * master: consumer starts or stops its route).
 */
public class MySqlLockClusterView extends AbstractCamelClusterView {

    private static final Logger log = LoggerFactory.getLogger(MySqlLockClusterView.class);

    private final MySqlLockClusterService service;
    private final String lockName;
    private final Member local = new Member(UUID.randomUUID().toString(), true);
    private volatile Member remoteLeader;
    private Connection lockConnection;
    private ScheduledFuture<?> task;

    MySqlLockClusterView(MySqlLockClusterService service, String namespace, String lockName) {
        super(service, namespace);
        this.service = service;
        this.lockName = lockName;
    }

    @Override
    protected void doStart() {
        long every = service.checkInterval().toMillis();
        task = service.scheduler().scheduleWithFixedDelay(this::check, 0, every, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (task != null) {
            task.cancel(false);
        }
        synchronized (this) {
            if (lockConnection != null) {
                try (PreparedStatement s = lockConnection.prepareStatement("SELECT RELEASE_LOCK(?)")) {
                    s.setString(1, lockName);
                    s.execute();
                } catch (SQLException e) {
                    // closing the session below releases it on the server all the same
                }
            }
            lose("stopping");
        }
    }

    /** Leader: is the lock's session alive? Others: can we take the lock? */
    synchronized void check() {
        try {
            if (lockConnection != null) {
                if (!alive(lockConnection)) {
                    lose("its database session stopped answering");
                }
                return;
            }
            tryAcquire();
        } catch (RuntimeException e) {
            log.warn("Leadership check of '{}' failed: {}", getNamespace(), e.getMessage());
        }
    }

    private boolean alive(Connection c) {
        try {
            return c.isValid(service.pingTimeoutSeconds());
        } catch (SQLException e) {
            return false;
        }
    }

    private void tryAcquire() {
        Connection c = null;
        try {
            c = service.lockConnection();
            try (PreparedStatement s = c.prepareStatement("SELECT GET_LOCK(?, 0), IS_USED_LOCK(?)")) {
                s.setString(1, lockName);
                s.setString(2, lockName);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) == 1) {
                        lockConnection = c;
                        remoteLeader = null;
                        local.leader = true;
                        log.info("This instance leads '{}' (holds MySQL lock '{}')", getNamespace(), lockName);
                        fireLeadershipChangedEvent(local);
                        return;
                    }
                    long holder = rs.getLong(2);
                    Member previous = remoteLeader;
                    remoteLeader = rs.wasNull() ? null : new Member("mysql-session-" + holder, false);
                    if (previous == null || remoteLeader == null || !previous.id.equals(remoteLeader.id)) {
                        fireLeadershipChangedEvent(remoteLeader);
                    }
                }
            }
            c.close();
        } catch (SQLException e) {
            log.debug("Could not try the lock of '{}': {}", getNamespace(), e.getMessage());
            closeQuietly(c);
        }
    }

    private void lose(String why) {
        if (lockConnection == null) {
            return;
        }
        closeQuietly(lockConnection);
        lockConnection = null;
        local.leader = false;
        log.warn("This instance no longer leads '{}': {}", getNamespace(), why);
        fireLeadershipChangedEvent((CamelClusterMember) null);
    }

    @Override
    public Optional<CamelClusterMember> getLeader() {
        return local.leader ? Optional.of(local) : Optional.ofNullable(remoteLeader);
    }

    @Override
    public CamelClusterMember getLocalMember() {
        return local;
    }

    @Override
    public List<CamelClusterMember> getMembers() {
        List<CamelClusterMember> members = new ArrayList<>(List.of(local));
        Member remote = remoteLeader;
        if (remote != null) {
            members.add(remote);
        }
        return members;
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the session is gone either way
            }
        }
    }

    private static final class Member implements CamelClusterMember {
        private final String id;
        private final boolean isLocal;
        private volatile boolean leader;

        Member(String id, boolean isLocal) {
            this.id = id;
            this.isLocal = isLocal;
            this.leader = !isLocal;
        }

        @Override
        public boolean isLeader() {
            return leader;
        }

        @Override
        public boolean isLocal() {
            return isLocal;
        }

        @Override
        public String getId() {
            return id;
        }
    }
}
