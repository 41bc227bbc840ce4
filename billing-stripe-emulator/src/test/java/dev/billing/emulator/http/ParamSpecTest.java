package dev.billing.emulator.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.FormCodec;
import org.junit.jupiter.api.Test;

class ParamSpecTest {
    private static final ParamSpec SPEC = ParamSpec.parse(
            "email, expand, metadata, address{city, line1}, line_items[]{price, price_data{currency, recurring{interval}}}");

    private static ApiError refusal(String form) {
        try {
            SPEC.check(FormCodec.decodeTree(form));
        } catch (ApiError e) {
            return e;
        }
        throw new AssertionError("accepted: " + form);
    }

    @Test
    void acceptsDeclaredNamesAndAnyKeysOfAnUncheckedHash() {
        assertThatCode(() -> SPEC.check(FormCodec.decodeTree("email=a%40b.c&expand[]=customer&expand[1]=x"
                        + "&metadata[anything]=1&address[city]=Paris&line_items[0][price]=p&line_items[1][price_data]"
                        + "[recurring][interval]=month&address=&line_items=")))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesAnUnknownNameAsStripeDoes() {
        ApiError e = refusal("emial=a%40b.c");
        assertThat(e.status).isEqualTo(400);
        assertThat(e.type).isEqualTo("invalid_request_error");
        assertThat(e.code).isEqualTo("parameter_unknown");
        assertThat(e.param).isEqualTo("emial");
        assertThat(e.getMessage()).isEqualTo("Received unknown parameter: emial");
        assertThat(e.body().toString()).contains("doc_url=https://stripe.com/docs/error-codes/parameter-unknown");
    }

    @Test
    void namesANestedUnknownKeyInBracketForm() {
        assertThat(refusal("line_items[0][price]=p&line_items[1][pricee]=p").param)
                .isEqualTo("line_items[1][pricee]");
        assertThat(refusal("line_items[0][price_data][recurring][intervall]=month")
                        .getMessage())
                .isEqualTo("Received unknown parameter: line_items[0][price_data][recurring][intervall]");
        assertThat(refusal("address[town]=Paris").param).isEqualTo("address[town]");
        assertThat(refusal("address[0]=Paris").param).isEqualTo("address[0]");
    }

    @Test
    void refusesAMalformedDeclaration() {
        assertThatThrownBy(() -> ParamSpec.parse("a, a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ParamSpec.parse("a[]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ParamSpec.parse("a{b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ParamSpec.parse("a}")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ParamSpec.parse("").fields()).isEmpty();
    }
}
