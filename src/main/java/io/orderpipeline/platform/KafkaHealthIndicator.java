package io.orderpipeline.platform;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * UP when the broker answers within the timeout and every topic the pipeline needs exists; a
 * missing topic is reported by name, since the relay could not publish to it.
 */
public class KafkaHealthIndicator extends AbstractHealthIndicator {

    private final Admin admin;
    private final Collection<String> requiredTopics;
    private final int timeoutMs;

    public KafkaHealthIndicator(Admin admin, Collection<String> requiredTopics, int timeoutMs) {
        super("kafka health check failed");
        this.admin = admin;
        this.requiredTopics = List.copyOf(requiredTopics);
        this.timeoutMs = timeoutMs;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        var cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs));
        String clusterId = cluster.clusterId().get(timeoutMs, TimeUnit.MILLISECONDS);
        int brokers = cluster.nodes().get(timeoutMs, TimeUnit.MILLISECONDS).size();
        Set<String> topics = admin.listTopics(new ListTopicsOptions().timeoutMs(timeoutMs))
                .names().get(timeoutMs, TimeUnit.MILLISECONDS);
        Set<String> missing = new TreeSet<>(requiredTopics);
        missing.removeAll(topics);
        builder.withDetail("clusterId", clusterId).withDetail("brokers", brokers);
        if (missing.isEmpty()) {
            builder.up().withDetail("topics", new TreeSet<>(requiredTopics));
        } else {
            builder.down().withDetail("missingTopics", missing);
        }
    }
}
