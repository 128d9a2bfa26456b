package io.orderpipeline.platform;

import java.util.Properties;

import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

/**
 * Route-level test of routes/heartbeat.camel.yaml, loaded from the file a deployment edits, with
 * the metrics endpoint swapped for a mock: the pattern for testing every YAML route in isolation.
 */
class HeartbeatRouteTest extends CamelTestSupport {

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties props = new Properties();
        props.put("app.heartbeat.period-ms", "50");
        return props;
    }

    @Test
    void ticksReachTheCounterAtTheConfiguredPeriod() throws Exception {
        String file = "file:" + LocalStack.projectFile("routes/heartbeat.camel.yaml");
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.resolveResource(context, file));
        AdviceWith.adviceWith(context, "heartbeat",
                route -> route.weaveByToUri("micrometer:*").replace().to("mock:ticks"));
        MockEndpoint ticks = getMockEndpoint("mock:ticks");
        ticks.expectedMinimumMessageCount(3);

        context.start();

        ticks.assertIsSatisfied(5_000);
    }
}
