package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.testkit.http.OpenApiContract;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The drifts issue 47 found, planted as answers and checked against the real document the way every integration
 * test's exchange is: each one fails, and the answers the server sends now pass.
 */
class OpenApiContractTest {
    private static OpenApiContract contract;

    @BeforeAll
    static void document() throws Exception {
        contract = OpenApiContract.of(OpenApiSnapshotTest.generated());
    }

    private static List<String> answer(String method, String path, int status, String body) {
        HttpHeaders json = HttpHeaders.of(Map.of("Content-Type", List.of("application/json")), (a, b) -> true);
        HttpHeaders request = HttpHeaders.of(Map.of("Authorization", List.of("Bearer t")), (a, b) -> true);
        return contract.violations(new OpenApiContract.Exchange(
                method, URI.create("http://127.0.0.1" + path), request, "", status, json, body));
    }

    private static final String ENTITLEMENTS = "{\"tier\":\"free\",\"cancelAtPeriodEnd\":false,\"features\":[],"
            + "\"quotas\":[{\"meter\":\"api_calls\",\"used\":0,\"resetsAt\":\"2026-12-01T00:00:00Z\"}],"
            + "\"ownedItems\":[]";

    @Test
    void entitlementsWithoutTheirAbsentFieldsPass() {
        assertThat(answer("GET", "/me/entitlements", 200, ENTITLEMENTS + "}")).isEmpty();
    }

    @Test
    void aNullWhereTheFieldIsLeftOutFails() {
        assertThat(answer("GET", "/me/entitlements", 200, ENTITLEMENTS + ",\"seats\":null,\"sources\":null}"))
                .isNotEmpty()
                .anySatisfy(v -> assertThat(v).contains("seats"));
    }

    @Test
    void aRequiredFieldLeftOutFails() {
        assertThat(answer("GET", "/me/entitlements", 200, "{\"tier\":\"free\"}"))
                .anySatisfy(v -> assertThat(v).contains("validation.response.body.schema.required"));
    }

    @Test
    void aValueOutsideItsEnumFails() {
        assertThat(answer("GET", "/me/entitlements", 200, ENTITLEMENTS + ",\"status\":\"pending\"}"))
                .anySatisfy(v -> assertThat(v).contains("enum"));
    }

    @Test
    void aFieldOfTheWrongTypeFails() {
        assertThat(answer(
                        "GET",
                        "/me/entitlements",
                        200,
                        "{\"tier\":\"free\",\"cancelAtPeriodEnd\":\"no\",\"features\":[],\"quotas\":[],"
                                + "\"ownedItems\":[]}"))
                .anySatisfy(v -> assertThat(v).contains("cancelAtPeriodEnd"));
    }

    @Test
    void aStatusTheOperationDoesNotListFails() {
        assertThat(answer(
                        "GET",
                        "/stripe/invoices?startingAfter=in_unknown",
                        404,
                        "{\"error\":{\"code\":\"not_found\",\"message\":\"m\",\"requestId\":\"req_1\"}}"))
                .anySatisfy(v -> assertThat(v).contains("validation.response.status.unknown"));
    }

    @Test
    void anErrorOfAnotherShapeFails() {
        assertThat(answer("GET", "/stripe/invoices", 400, "{\"code\":\"invalid_cursor\"}"))
                .isNotEmpty();
    }
}
