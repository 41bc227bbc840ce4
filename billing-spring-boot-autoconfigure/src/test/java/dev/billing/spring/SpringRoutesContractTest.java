package dev.billing.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.testkit.auth.TestKey;
import dev.billing.testkit.auth.TestKeys;
import dev.billing.testkit.auth.TokenMinter;
import dev.billing.testkit.http.OpenApiContract;
import jakarta.servlet.Filter;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

/**
 * The Spring MVC routes keep the same OpenAPI document as the standalone server: each answer below, through Spring
 * Security and the handler mapping, is checked against the application's own {@code /openapi.json} with the
 * validator every integration test uses ({@link OpenApiContract}).
 */
class SpringRoutesContractTest {
    private static final TestKey KEY = TestKeys.rsa2048("ins_spring_contract");
    private static final String ISSUER = "https://clerk.example.com";

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    BillingAutoConfiguration.class,
                    BillingWebMvcAutoConfiguration.class,
                    BillingSecurityAutoConfiguration.class))
            .withConfiguration(BootLine.servletSecurity())
            .withUserConfiguration(BillingAutoConfigurationTest.MemoryStores.class)
            .withPropertyValues(
                    "billing.stripe.secret-key=sk_test_123",
                    "billing.stripe.webhook-secrets=whsec_abc",
                    "billing.clerk.issuer=" + ISSUER,
                    "billing.clerk.jwt-key=" + KEY.publicKeyPem().replace("\n", "\\n"),
                    "billing.allowed-origins=https://app.example.com");

    @Test
    void theSpringRoutesAnswerAsTheDocumentSays() {
        runner.run(context -> {
            MockMvc mvc = MockMvcBuilders.webAppContextSetup((WebApplicationContext) context)
                    .addFilters(context.getBean("springSecurityFilterChain", Filter.class))
                    .build();
            MockHttpServletResponse document = mvc.perform(MockMvcRequestBuilders.get("/openapi.json"))
                    .andReturn()
                    .getResponse();
            assertThat(document.getStatus()).isEqualTo(200);
            String served = document.getContentAsString(StandardCharsets.UTF_8);
            assertThat(served).contains("\"openapi\":\"3.0.3\"").contains("\"/me/entitlements\"");
            OpenApiContract contract = OpenApiContract.of(served);
            String token = new TokenMinter(KEY, ISSUER, Clock.systemUTC())
                    .token()
                    .subject("user_spring")
                    .session("sess_spring")
                    .sign();

            check(mvc, contract, MockMvcRequestBuilders.get("/me/entitlements"), "", 401);
            check(mvc, contract, authorized(MockMvcRequestBuilders.get("/me/entitlements"), token), "", 200);
            check(mvc, contract, authorized(MockMvcRequestBuilders.get("/usage"), token), "", 200);
            check(mvc, contract, authorized(MockMvcRequestBuilders.get("/stripe/subscriptions"), token), "", 200);
            String usage = "{\"meter\":\"api_calls\",\"amount\":1}";
            check(
                    mvc,
                    contract,
                    authorized(MockMvcRequestBuilders.post("/usage"), token)
                            .header("Idempotency-Key", "spring-contract-1")
                            .contentType("application/json")
                            .content(usage),
                    usage,
                    200);
            check(
                    mvc,
                    contract,
                    authorized(MockMvcRequestBuilders.post("/usage"), token)
                            .header("Idempotency-Key", "spring-contract-2")
                            .contentType("application/json")
                            .content("{\"meter\":\"api_calls\",\"amount\":0}"),
                    "",
                    400);
            // A service API key passes Spring Security untouched and acts for the user it names.
            String key = context.getBean(dev.billing.core.Billing.class)
                    .useCases()
                    .serviceKeys()
                    .create(
                            "spring",
                            java.util.Set.of(dev.billing.core.model.servicekey.ServiceScope.USAGE_WRITE),
                            null)
                    .secret();
            check(
                    mvc,
                    contract,
                    authorized(MockMvcRequestBuilders.post("/usage"), key)
                            .header("Billing-Act-As", "user:user_spring")
                            .header("Idempotency-Key", "spring-contract-3")
                            .contentType("application/json")
                            .content(usage),
                    usage,
                    200);
            check(
                    mvc,
                    contract,
                    authorized(MockMvcRequestBuilders.get("/usage"), key).header("Billing-Act-As", "user:user_spring"),
                    "",
                    403);
            check(
                    mvc,
                    contract,
                    authorized(MockMvcRequestBuilders.post("/stripe/subscriptions/sub_none/cancel"), token)
                            .contentType("application/json")
                            .content("{}"),
                    "{}",
                    404);
        });
    }

    private static MockHttpServletRequestBuilder authorized(MockHttpServletRequestBuilder request, String token) {
        return request.header("Authorization", "Bearer " + token);
    }

    private static void check(
            MockMvc mvc, OpenApiContract contract, MockHttpServletRequestBuilder request, String body, int status)
            throws Exception {
        var result = mvc.perform(request).andReturn();
        var req = result.getRequest();
        MockHttpServletResponse response = result.getResponse();
        String answer = response.getContentAsString(StandardCharsets.UTF_8);
        assertThat(response.getStatus()).as(req.getRequestURI() + " " + answer).isEqualTo(status);
        Map<String, List<String>> requestHeaders = new LinkedHashMap<>();
        for (String name : java.util.Collections.list(req.getHeaderNames())) {
            requestHeaders.put(name, java.util.Collections.list(req.getHeaders(name)));
        }
        Map<String, List<String>> responseHeaders = new LinkedHashMap<>();
        for (String name : response.getHeaderNames()) {
            responseHeaders.put(name, response.getHeaders(name));
        }
        if (response.getContentType() != null) {
            responseHeaders.put("Content-Type", List.of(response.getContentType()));
        }
        List<String> violations = contract.violations(new OpenApiContract.Exchange(
                req.getMethod(),
                URI.create("http://localhost" + req.getRequestURI()
                        + (req.getQueryString() == null ? "" : "?" + req.getQueryString())),
                HttpHeaders.of(requestHeaders, (a, b) -> true),
                body,
                response.getStatus(),
                HttpHeaders.of(responseHeaders, (a, b) -> true),
                answer));
        assertThat(violations)
                .as(req.getMethod() + " " + req.getRequestURI() + " -> " + answer)
                .isEmpty();
    }
}
