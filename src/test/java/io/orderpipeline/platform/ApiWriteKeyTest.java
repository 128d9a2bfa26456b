package io.orderpipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The write key: order writes without it are refused before anything reads them; everything else passes. */
class ApiWriteKeyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AtomicInteger passed = new AtomicInteger();

    @Test
    void withAKeyEveryOrderWriteNeedsItWhateverThePathsSpellingAndReadsStayOpen() throws Exception {
        ApiWriteKey key = new ApiWriteKey("s3cret", JSON);

        assertRefused(call(key, "POST", "/api/orders", null, null), true);
        assertRefused(call(key, "POST", "/api/orders", "s3cre", null), true);
        assertRefused(call(key, "POST", "/api/orders", "s3cret ", null), true);
        assertRefused(call(key, "POST", "/api/orders/o-1/status", null, null), true);
        assertRefused(call(key, "POST", "/api/%6Frders", null, null), true);
        assertRefused(call(key, "POST", "/%61pi/orders", null, null), true);
        // The page's own fetch gets no challenge, so the browser shows no login box.
        assertRefused(call(key, "POST", "/api/orders", null, "XMLHttpRequest"), false);
        assertThat(passed).as("refused writes never reach the chain").hasValue(0);

        assertThat(call(key, "POST", "/api/orders", "s3cret", null).getStatus()).isEqualTo(200);
        assertThat(call(key, "POST", "/api/orders/o-1/status", "s3cret", null).getStatus()).isEqualTo(200);
        assertThat(call(key, "GET", "/api/orders/o-1", null, null).getStatus()).isEqualTo(200);
        assertThat(call(key, "GET", "/api/orders?userId=u", null, null).getStatus()).isEqualTo(200);
        assertThat(call(key, "POST", "/api/dead-letters/requeue", null, null).getStatus())
                .as("the console has its own login (ApiSecurity)").isEqualTo(200);
        assertThat(passed).hasValue(5);
    }

    @Test
    void withoutAKeyOrBlankOrderWritesAreOpen() throws Exception {
        for (String off : new String[] {"", "  "}) {
            ApiWriteKey open = new ApiWriteKey(off, JSON);
            assertThat(call(open, "POST", "/api/orders", null, null).getStatus()).isEqualTo(200);
            assertThat(call(open, "POST", "/api/orders/o-1/status", "anything", null).getStatus()).isEqualTo(200);
        }
        assertThat(passed).hasValue(4);
    }

    private MockHttpServletResponse call(ApiWriteKey filter, String method, String uri, String key, String requestedWith)
            throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest(method, uri);
        if (key != null) {
            request.addHeader("X-API-Key", key);
        }
        if (requestedWith != null) {
            request.addHeader("X-Requested-With", requestedWith);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, (req, res) -> passed.incrementAndGet());
        return response;
    }

    private static void assertRefused(MockHttpServletResponse response, boolean challenged) throws Exception {
        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(response.getHeader("WWW-Authenticate")).isEqualTo(challenged ? "ApiKey header=\"X-API-Key\"" : null);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        JsonNode problem = JSON.readTree(response.getContentAsByteArray());
        assertThat(problem.path("status").asInt()).isEqualTo(401);
        assertThat(problem.path("detail").asText()).contains("ApiKey");
    }
}
