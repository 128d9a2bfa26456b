package io.orderpipeline.platform;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.util.UrlPathHelper;

/**
 * A request's path as Spring MVC routes it (decoded, without the context path and ;parameters), for
 * the filters that decide before Spring MVC: on the raw URI, /%61pi/orders would pass them by and
 * still reach the order route.
 */
final class ApiPaths {

    private static final UrlPathHelper PATHS = new UrlPathHelper();

    private ApiPaths() {
    }

    static String of(HttpServletRequest request) {
        return PATHS.getPathWithinApplication(request);
    }

    static boolean isApi(HttpServletRequest request) {
        return of(request).startsWith("/api/");
    }

    /** POST /api/orders and POST /api/orders/{id}/status. */
    static boolean isOrderWrite(HttpServletRequest request) {
        return "POST".equals(request.getMethod()) && of(request).startsWith("/api/orders");
    }
}
