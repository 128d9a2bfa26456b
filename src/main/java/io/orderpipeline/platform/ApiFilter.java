package io.orderpipeline.platform;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UrlPathHelper;

/**
 * The API's servlet filters (body limit, overload), which decide before Spring MVC: they filter
 * /api/* only, every method, and judge a request by its path as Spring MVC routes it (decoded,
 * without the context path and ;parameters). On the raw URI, /%61pi/orders would pass them by and
 * still reach the order route.
 */
abstract class ApiFilter extends OncePerRequestFilter {

    private static final UrlPathHelper PATHS = new UrlPathHelper();

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !PATHS.getPathWithinApplication(request).startsWith("/api/");
    }

    /** POST /api/orders and POST /api/orders/{id}/status (also the write key's, ApiWriteKey). */
    static boolean isOrderWrite(HttpServletRequest request) {
        return "POST".equals(request.getMethod()) && PATHS.getPathWithinApplication(request).startsWith("/api/orders");
    }
}
