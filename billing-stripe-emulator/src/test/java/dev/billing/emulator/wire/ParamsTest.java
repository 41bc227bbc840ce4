package dev.billing.emulator.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamsTest {
    private static Params params(String form) {
        return new Params(FormCodec.decodeTree(form));
    }

    @Test
    void metadataSetsDeletesAndClearsLikeStripe() {
        Map<String, Object> target = new LinkedHashMap<>();
        target.put("metadata", new LinkedHashMap<>(Map.of("a", "1", "b", "2")));

        params("metadata[b]=&metadata[c]=3").applyMetadata(target, "metadata");
        assertThat(target.get("metadata")).isEqualTo(Map.of("a", "1", "c", "3"));

        params("metadata=").applyMetadata(target, "metadata");
        assertThat(target.get("metadata")).isEqualTo(Map.of());
    }

    @Test
    void errorsNameTheNestedParameter() {
        Params item =
                params("line_items[0][quantity]=abc").subList("line_items").get(0);
        ApiError bad = catchThrowableOfType(ApiError.class, () -> item.lng("quantity"));
        assertThat(bad.param).isEqualTo("line_items[0][quantity]");
        assertThat(bad.status).isEqualTo(400);

        ApiError missing = catchThrowableOfType(ApiError.class, () -> item.requireStr("price"));
        assertThat(missing.code).isEqualTo("parameter_missing");
        assertThat(missing.getMessage()).isEqualTo("Missing required param: line_items[0][price].");
    }

    @Test
    void typedAccessors() {
        Params p = params("active=true&limit=5&lookup_keys[0]=a&lookup_keys[1]=b&interval=month");
        assertThat(p.bool("active")).isTrue();
        assertThat(p.lng("limit", 10)).isEqualTo(5);
        assertThat(p.strList("lookup_keys")).containsExactly("a", "b");
        assertThat(p.oneOf("interval", null, "month", "year")).isEqualTo("month");
        assertThat(catchThrowableOfType(ApiError.class, () -> p.oneOf("interval", null, "day")).param)
                .isEqualTo("interval");
        assertThat(catchThrowableOfType(
                                ApiError.class, () -> params("active=yes").bool("active"))
                        .getMessage())
                .contains("Invalid boolean");
    }
}
