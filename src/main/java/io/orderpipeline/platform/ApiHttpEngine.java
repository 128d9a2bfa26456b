package io.orderpipeline.platform;

import java.util.concurrent.CompletableFuture;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpConsumer;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpEngine;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.support.ConfigurableWebBindingInitializer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * platform-http on Spring MVC, with the routes run on the Tomcat thread that took the request.
 * The starter's engine (camel-platform-http-starter 4.17, SpringBootPlatformHttpConsumer.service)
 * hands every request to Spring's task executor and returns a CompletableFuture, so Spring MVC
 * starts an async request and dispatches it back through the filter chain and DispatcherServlet
 * once the route is done: a thread hand-off and a second pass per request for routes that block
 * on JDBC anyway (a third of the intake's CPU in make bench's profile). Here the route runs in the
 * handler call itself (the starter's service with an executor that runs in the caller's thread) and
 * the method returns null, which Spring MVC's
 * DeferredResultMethodReturnValueHandler takes as "handled": no async dispatch. Everything else
 * (binding, mapping, the REST DSL) is the starter's. Overload is bounded before Camel by ApiOverload.
 */
@Configuration(proxyBeanMethods = false)
public class ApiHttpEngine {

    // The starter's engine bean is @ConditionalOnMissingBean(PlatformHttpEngine.class): this one replaces it.
    @Bean(name = "platform-http-engine")
    PlatformHttpEngine platformHttpEngine(@Value("${server.port:8080}") int port) {
        return new SpringBootPlatformHttpEngine(port) {
            @Override
            public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
                return new OnRequestThread(endpoint, processor);
            }
        };
    }

    /**
     * No method validation in Spring MVC. It has no handler of this app's to validate (the API is
     * Camel routes, with their own bean-validator step), yet with a validator present it looks for
     * @Validated on the handler's method and class at every request
     * (InvocableHandlerMethod.setMethodValidator calls determineValidationGroups, spring-web 6.2):
     * 2.7% of the intake's CPU (JFR, make bench). With no validator in the adapter's binding
     * initializer, HandlerMethodValidator.from makes no method validator.
     */
    @Bean
    static BeanPostProcessor noMvcMethodValidation() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String name) {
                if (bean instanceof RequestMappingHandlerAdapter adapter
                        && adapter.getWebBindingInitializer() instanceof ConfigurableWebBindingInitializer binding) {
                    binding.setValidator(null);
                }
                return bean;
            }
        };
    }

    /** The starter's consumer with an executor that runs the task in the caller's thread. */
    static final class OnRequestThread extends SpringBootPlatformHttpConsumer {

        OnRequestThread(PlatformHttpEndpoint endpoint, Processor processor) {
            super(endpoint, processor, Runnable::run);
        }

        @Override
        public CompletableFuture<Void> service(HttpServletRequest request, HttpServletResponse response) {
            // The starter's service (route, answer, its own handling of failures) has run when this returns.
            super.service(request, response);
            return null;
        }
    }
}
