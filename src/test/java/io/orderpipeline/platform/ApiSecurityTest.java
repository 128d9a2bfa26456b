package io.orderpipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.mock.env.MockEnvironment;

/** Where Spring Security's filter runs: the console's paths (DeadLetterConsoleIT tries them on the real server). */
class ApiSecurityTest {

    @Test
    void springSecuritysFilterIsRegisteredForTheConsolesPathsOnly() {
        BeanPostProcessor registrations = ApiSecurity.securityOnConsolePathsOnly(new MockEnvironment());

        DelegatingFilterProxyRegistrationBean security = new DelegatingFilterProxyRegistrationBean("springSecurityFilterChain");
        registrations.postProcessBeforeInitialization(security, "securityFilterChainRegistration");
        assertThat(security.getUrlPatterns()).containsExactly("/api/dead-letters/*");

        DelegatingFilterProxyRegistrationBean other = new DelegatingFilterProxyRegistrationBean("someFilter");
        registrations.postProcessBeforeInitialization(other, "someFilterRegistration");
        assertThat(other.getUrlPatterns()).as("other filters keep their own").isEmpty();
    }

    @Test
    void aSpringMvcServletPathStopsTheAppFromStarting() {
        // Under /x the console would be /x/api/dead-letters, outside the filter's pattern.
        assertThatThrownBy(() -> ApiSecurity.securityOnConsolePathsOnly(
                new MockEnvironment().withProperty("spring.mvc.servlet.path", "/x")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("spring.mvc.servlet.path is /x");
        assertThatCode(() -> ApiSecurity.securityOnConsolePathsOnly(
                new MockEnvironment().withProperty("spring.mvc.servlet.path", "/"))).doesNotThrowAnyException();
    }
}
