package io.orderpipeline.platform;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Who may do what:
 * <ul>
 * <li>the dead-letter console (/api/dead-letters/**): HTTP Basic as the operator whose name and
 * password come from CONSOLE_USERNAME / CONSOLE_PASSWORD; without them (the prod profile sets no
 * default) every call is refused. The only paths Spring Security's filter runs on: the rest of the
 * API, the page and actuator pass by it untouched, at no cost per request;</li>
 * <li>order writes (POST /api/orders, POST /api/orders/{id}/status), only when API_WRITE_KEY is
 * set: the key in the X-API-Key header (ApiWriteKey). Off in the demo.</li>
 * </ul>
 * Refusals are 401 problem documents. No sessions and no CSRF tokens: every call carries its
 * credentials, and the API accepts only application/json bodies, which a cross-site form cannot send.
 */
@Configuration(proxyBeanMethods = false)
public class ApiSecurity {

    /** The request attribute that carries the operator's name to the console's routes (they read the request, not Spring Security's thread-bound context). */
    public static final String OPERATOR = "io.orderpipeline.operator";

    /** Where Spring Security's filter runs (a servlet URL pattern: the path itself and below it). */
    static final String CONSOLE_PATHS = "/api/dead-letters/*";

    private static final Logger log = LoggerFactory.getLogger(ApiSecurity.class);

    @Bean
    @Order(1)
    SecurityFilterChain deadLetterConsoleSecurity(HttpSecurity http, ObjectMapper json) throws Exception {
        AuthenticationEntryPoint refuse = refusal(json, "Basic realm=\"dead-letter console\"");
        return stateless(http).securityMatcher("/api/dead-letters", "/api/dead-letters/**")
                .authorizeHttpRequests(a -> a.anyRequest().hasRole("OPERATOR"))
                .httpBasic(b -> b.authenticationEntryPoint(refuse))
                .exceptionHandling(e -> e.authenticationEntryPoint(refuse))
                .addFilterAfter(new OncePerRequestFilter() {
                    @Override
                    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                            throws ServletException, IOException {
                        Authentication who = SecurityContextHolder.getContext().getAuthentication();
                        if (who != null) {
                            request.setAttribute(OPERATOR, who.getName());
                        }
                        chain.doFilter(request, response);
                    }
                }, BasicAuthenticationFilter.class)
                .build();
    }

    /**
     * Spring Security's filter on the console's paths only. On any other path no chain of its
     * matches, yet every request went through its filter, and with Spring MVC present that filter
     * first looks up the request's handler (HandlerMappingIntrospector's cache filter, installed by
     * Spring Security's WebMvcSecurityConfiguration), which DispatcherServlet then does again: 9%
     * of the intake's HTTP threads (JFR, make bench). Servlet containers match filters on the decoded,
     * normalised path, so /%61pi/dead-letters is filtered too (DeadLetterConsoleIT). Order writes
     * have their key checked by ApiWriteKey.
     */
    @Bean
    static BeanPostProcessor securityOnConsolePathsOnly(Environment environment) {
        // The pattern (and the API's filters, ApiFilter) take the API's paths from the root; under a
        // servlet path of Spring MVC's, /x/api/dead-letters would be the console and pass by them.
        String servletPath = environment.getProperty("spring.mvc.servlet.path", "/");
        if (!servletPath.isEmpty() && !servletPath.equals("/")) {
            throw new IllegalStateException("spring.mvc.servlet.path is " + servletPath + ": the API's security and "
                    + "filters expect it at / (server.servlet.context-path moves the whole app instead)");
        }
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String name) {
                // Spring Boot's registration of springSecurityFilterChain (SecurityFilterAutoConfiguration).
                if (bean instanceof DelegatingFilterProxyRegistrationBean registration
                        && "securityFilterChainRegistration".equals(name)) {
                    registration.setUrlPatterns(List.of(CONSOLE_PATHS));
                }
                return bean;
            }
        };
    }

    @Bean
    UserDetailsService operators(@Value("${app.console.username:}") String username,
                                 @Value("${app.console.password:}") String password) {
        InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
        if (username.isBlank() || password.isBlank()) {
            log.warn("No dead-letter console login (CONSOLE_USERNAME, CONSOLE_PASSWORD): every console call is refused");
            return users;
        }
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        users.createUser(User.withUsername(username).password(encoder.encode(password)).roles("OPERATOR").build());
        return users;
    }

    /** No sessions, no saved requests, no CSRF tokens: each call carries its credentials (see the class comment). */
    private static HttpSecurity stateless(HttpSecurity http) throws Exception {
        return http.csrf(c -> c.disable()).requestCache(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
    }

    /** 401 as a problem document. A page's own fetch (X-Requested-With) gets no Basic challenge, so no browser login box. */
    static AuthenticationEntryPoint refusal(ObjectMapper json, String challenge) {
        return (request, response, e) -> {
            if (!"XMLHttpRequest".equals(request.getHeader("X-Requested-With"))) {
                response.setHeader("WWW-Authenticate", challenge);
            }
            ApiErrorHandling.send(response, json, request, 401, "Unauthorized",
                    "This needs credentials: " + challenge.substring(0, challenge.indexOf(' ')));
        };
    }
}
