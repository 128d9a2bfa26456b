package io.orderpipeline.platform;

import java.util.concurrent.CompletableFuture;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * platform-http on Spring MVC, with the routes run on the Tomcat thread that took the request.
 * The starter's engine (camel-platform-http-starter 4.17, SpringBootPlatformHttpConsumer.service)
 * hands every request to Spring's task executor and returns a CompletableFuture, so Spring MVC
 * starts an async request and dispatches it back through the filter chain and DispatcherServlet
 * once the route is done: a thread hand-off and a second pass per request for routes that block
 * on JDBC anyway (a third of the intake's CPU in make bench's profile). Here the route runs in the
 * handler call itself and the method returns null, which Spring MVC's
 * DeferredResultMethodReturnValueHandler takes as "handled": no async dispatch. Everything else
 * (binding, mapping, the REST DSL) is the starter's. Overload is bounded before Camel by ApiOverload.
 */
@Configuration(proxyBeanMethods = false)
public class ApiHttpEngine {

    // The starter's engine bean is @ConditionalOnMissingBean(PlatformHttpEngine.class): this one replaces it.
    @Bean(name = "platform-http-engine")
    PlatformHttpEngine platformHttpEngine(@Value("${server.port:8080}") int port) {
        return new PlatformHttpEngine() {
            @Override
            public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
                return new OnRequestThread(endpoint, processor);
            }

            @Override
            public int getServerPort() {
                return port;
            }
        };
    }

    /** The starter's consumer, run in the caller's thread (its executor is never used). */
    static final class OnRequestThread extends SpringBootPlatformHttpConsumer {

        private static final Logger log = LoggerFactory.getLogger(OnRequestThread.class);

        OnRequestThread(PlatformHttpEndpoint endpoint, Processor processor) {
            super(endpoint, processor, Runnable::run);
        }

        @Override
        public CompletableFuture<Void> service(HttpServletRequest request, HttpServletResponse response) {
            try {
                handleService(request, response);
            } catch (Exception e) {
                // As the starter's consumer: nothing of the failure leaks to the caller.
                log.warn("Error handling request due to: {}", e.getMessage(), e);
                try {
                    if (!response.isCommitted()) {
                        response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
                    }
                } catch (Exception ignored) {
                    // the client is gone
                }
            }
            return null;
        }
    }
}
