package dev.billing.emulator.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormCodecTest {
    @Test
    void decodesNestedMapsListsAndAppends() {
        Map<String, Object> tree = FormCodec.decodeTree(
                "mode=subscription&metadata[user_id]=u1&line_items[0][price]=price_a&line_items[0][quantity]=2"
                        + "&line_items[1][price]=price_b&expand[]=customer&expand[]=line_items"
                        + "&subscription_data[metadata][plan]=pro");

        assertThat(tree).containsEntry("mode", "subscription");
        assertThat(tree.get("metadata")).isEqualTo(Map.of("user_id", "u1"));
        assertThat(tree.get("line_items"))
                .isEqualTo(List.of(Map.of("price", "price_a", "quantity", "2"), Map.of("price", "price_b")));
        assertThat(tree.get("expand")).isEqualTo(List.of("customer", "line_items"));
        assertThat(tree.get("subscription_data")).isEqualTo(Map.of("metadata", Map.of("plan", "pro")));
    }

    @Test
    void ordersIndexedArraysNumericallyLikeStripeJavaSendsThem() {
        StringBuilder form = new StringBuilder();
        for (int i = 11; i >= 0; i--) {
            form.append("expand[").append(i).append("]=e").append(i).append('&');
        }
        @SuppressWarnings("unchecked")
        List<String> expand =
                (List<String>) FormCodec.decodeTree(form.toString()).get("expand");
        assertThat(expand).containsExactly("e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9", "e10", "e11");
    }

    @Test
    void urlDecodesKeysAndValuesAndKeepsEmptyValues() {
        Map<String, Object> tree = FormCodec.decodeTree(
                "email=a%2Bb%40example.com&metadata%5Bk%5D=v+w&description=&success_url=https%3A%2F%2Fx%2F%3Fs%3D%7BID%7D");
        assertThat(tree)
                .containsEntry("email", "a+b@example.com")
                .containsEntry("description", "")
                .containsEntry("success_url", "https://x/?s={ID}");
        assertThat(tree.get("metadata")).isEqualTo(Map.of("k", "v w"));
    }

    @Test
    void emptyOrMissingBodiesDecodeToNothing() {
        assertThat(FormCodec.decodeTree(null)).isEmpty();
        assertThat(FormCodec.decodeTree("")).isEmpty();
        assertThat(FormCodec.parseKey("a[b][c]")).containsExactly("a", "b", "c");
    }
}
