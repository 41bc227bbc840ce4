package dev.billing.core.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.error.InvalidRequestException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedirectPolicyTest {
    private final RedirectPolicy policy =
            RedirectPolicy.of(List.of("https://app.example.com", "http://localhost:3000"), true);

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://app.example.com/billing/success",
                "https://APP.example.com:443/x?session_id={CHECKOUT_SESSION_ID}",
                "http://localhost:3000/back"
            })
    void allowsUrlsOnAnAllowedOrigin(String url) {
        assertThat(policy.check(url, "successUrl")).isEqualTo(url);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "//evil.com/x",
                "/relative/path",
                "https://evil.com/x",
                "https://app.example.com.evil.com/x",
                "https://app.example.com./done",
                "https://APP.EXAMPLE.COM./done",
                "https://app.example.co/x",
                "https://appexample.com/x",
                "https://app.example.com@evil.com/x",
                "https://user:pw@app.example.com/x",
                "javascript:alert(1)",
                "data:text/html,hi",
                "http://app.example.com/x",
                "https://app.example.com:8443/x",
                "https://app.example.com\\@evil.com",
                "https://app.example.com/ x",
                "https://аpp.example.com/x",
                "ftp://app.example.com/x",
                ""
            })
    void rejectsEverythingElseBeforeAnyStripeCall(String url) {
        assertThatThrownBy(() -> policy.check(url, "cancelUrl"))
                .isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> {
                    InvalidRequestException invalid = (InvalidRequestException) e;
                    assertThat(invalid.code()).isEqualTo("invalid_redirect_url");
                    assertThat(invalid.field()).isEqualTo("cancelUrl");
                });
    }

    @Test
    void saysWhyAHostEndingWithADotIsRefused() {
        assertThatThrownBy(() -> policy.check("https://app.example.com./done", "successUrl"))
                .hasMessage("successUrl must not end its host with a dot (browsers treat "
                        + "app.example.com. as another origin).");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> policy.check(null, "returnUrl")).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void refusesOriginsWithPathsOrPlainHttpInProduction() {
        assertThatThrownBy(() -> RedirectPolicy.of(List.of("https://app.example.com/app"), true))
                .hasMessageContaining("not an origin");
        assertThatThrownBy(() -> RedirectPolicy.of(List.of("http://app.example.com"), true))
                .hasMessageContaining("must use https");
        assertThat(RedirectPolicy.of(List.of("http://app.example.com"), false)
                        .check("http://app.example.com/ok", "successUrl"))
                .isNotNull();
    }
}
