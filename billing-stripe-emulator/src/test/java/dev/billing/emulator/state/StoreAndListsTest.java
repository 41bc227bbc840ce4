package dev.billing.emulator.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.service.Products;
import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.FormCodec;
import dev.billing.emulator.wire.Params;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pagination, expansion and rendering on a bare state (no HTTP). */
class StoreAndListsTest {
    private final EmulatorState state = new EmulatorState(
            EmulatorOptions.defaults(),
            new EmulatorClock(Clock.systemUTC(), Instant.parse("2026-01-01T00:00:00Z"), true));

    @BeforeEach
    void fill() {
        Products products = new Products(state);
        for (int i = 1; i <= 5; i++) {
            products.createProduct(new Params(Map.of("id", "prod_" + i, "name", "P" + i)), false);
        }
        products.createPrice(
                new Params(Map.of("id", "price_1", "product", "prod_1", "unit_amount", "100", "currency", "usd")),
                false);
    }

    @SuppressWarnings("unchecked")
    private static List<String> ids(Map<String, Object> list) {
        return ((List<Map<String, Object>>) list.get("data"))
                .stream().map(m -> (String) m.get("id")).toList();
    }

    private Map<String, Object> page(String form) {
        return Lists.page(
                state,
                "/v1/products",
                state.store.newestFirst("product", o -> true),
                new Params(FormCodec.decodeTree(form)));
    }

    @Test
    void listsAreNewestFirstWithCursorPagination() {
        assertThat(ids(page("limit=2"))).containsExactly("prod_5", "prod_4");
        assertThat(page("limit=2"))
                .containsEntry("has_more", true)
                .containsEntry("object", "list")
                .containsEntry("url", "/v1/products");
        assertThat(ids(page("limit=2&starting_after=prod_4"))).containsExactly("prod_3", "prod_2");
        assertThat(ids(page("limit=10&starting_after=prod_2"))).containsExactly("prod_1");
        assertThat(page("limit=10&starting_after=prod_2")).containsEntry("has_more", false);
        assertThat(ids(page("limit=2&ending_before=prod_2"))).containsExactly("prod_4", "prod_3");
        assertThat(page("limit=2&ending_before=prod_2")).containsEntry("has_more", true);
        assertThat(ids(page(""))).hasSize(5);
    }

    @Test
    void badPaginationParametersAreRejected() {
        assertThat(catchThrowableOfType(ApiError.class, () -> page("limit=0")).param)
                .isEqualTo("limit");
        assertThat(catchThrowableOfType(ApiError.class, () -> page("limit=101")).param)
                .isEqualTo("limit");
        assertThat(catchThrowableOfType(ApiError.class, () -> page("starting_after=prod_nope")).param)
                .isEqualTo("starting_after");
        assertThat(catchThrowableOfType(ApiError.class, () -> page("starting_after=prod_1&ending_before=prod_2")))
                .isNotNull();
    }

    @Test
    @SuppressWarnings("unchecked")
    void expandReplacesIdsWithObjectsAndRejectsUnknownPaths() {
        Map<String, Object> price = state.render(state.store.get("price_1"), List.of("product"));
        assertThat((Map<String, Object>) price.get("product")).containsEntry("name", "P1");

        Map<String, Object> list = Lists.page(
                state,
                "/v1/prices",
                state.store.newestFirst("price", o -> true),
                new Params(FormCodec.decodeTree("expand[]=data.product")));
        assertThat(((List<Map<String, Object>>) list.get("data")).get(0).get("product"))
                .isInstanceOf(Map.class);

        ApiError error =
                catchThrowableOfType(ApiError.class, () -> state.render(state.store.get("price_1"), List.of("nope")));
        assertThat(error.getMessage()).isEqualTo("This property cannot be expanded (nope).");
    }

    @Test
    void internalFieldsNeverRender() {
        Map<String, Object> product = state.store.get("prod_1");
        product.put("_secret", "hidden");
        assertThat(state.render(product)).doesNotContainKey("_secret").containsEntry("id", "prod_1");
        product.put("_deleted", true);
        assertThat(state.render(product)).isEqualTo(Map.of("id", "prod_1", "object", "product", "deleted", true));
    }

    @Test
    void diffReportsPreviousValuesOfChangedTopLevelFields() {
        Map<String, Object> before = Map.of("a", 1L, "b", Map.of("x", "1"), "_internal", 1);
        Map<String, Object> after = Map.of("a", 1L, "b", Map.of("x", "2"), "c", "new", "_internal", 2);
        assertThat(EmulatorState.diff(before, after))
                .containsEntry("b", Map.of("x", "1"))
                .containsKey("c")
                .doesNotContainKeys("a", "_internal");
    }
}
