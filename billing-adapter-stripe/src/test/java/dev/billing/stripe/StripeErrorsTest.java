package dev.billing.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.ApiException;
import dev.billing.core.error.GatewayException;
import dev.billing.core.error.GatewayOutcomeUnknownException;
import dev.billing.core.error.GatewayUnavailableException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The parts of the translation that need no server; each mapping is also shown over HTTP in StripeErrorMappingIT. */
class StripeErrorsTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void readsRetryAfterInSecondsOrAsAnHttpDate() {
        assertThat(StripeErrors.parseRetryAfter("7", clock)).contains(Duration.ofSeconds(7));
        assertThat(StripeErrors.parseRetryAfter(" 0 ", clock)).contains(Duration.ZERO);
        assertThat(StripeErrors.parseRetryAfter("Sat, 21 Nov 2026 10:00:30 GMT", clock))
                .contains(Duration.ofSeconds(30));
        assertThat(StripeErrors.parseRetryAfter("Sat, 21 Nov 2026 09:00:00 GMT", clock))
                .contains(Duration.ZERO);
    }

    @Test
    void capsAbsurdRetryAfterAndIgnoresGarbage() {
        assertThat(StripeErrors.parseRetryAfter("99999999999999999999", clock)).contains(StripeErrors.MAX_RETRY_AFTER);
        assertThat(StripeErrors.parseRetryAfter("86400", clock)).contains(StripeErrors.MAX_RETRY_AFTER);
        assertThat(StripeErrors.parseRetryAfter("soon", clock)).isEmpty();
        assertThat(StripeErrors.parseRetryAfter("-5", clock)).isEmpty();
        assertThat(StripeErrors.parseRetryAfter("", clock)).isEmpty();
        assertThat(StripeErrors.parseRetryAfter(null, clock)).isEmpty();
    }

    @Test
    void failuresBeforeSendingAreCertainlyNotDone() {
        assertThat(translate(new ConnectException("Connection refused")))
                .isInstanceOf(GatewayUnavailableException.class);
        assertThat(translate(new UnknownHostException("api.stripe.invalid")))
                .isInstanceOf(GatewayUnavailableException.class);
        assertThat(translate(new SocketTimeoutException("Connect timed out")))
                .isInstanceOf(GatewayUnavailableException.class);
    }

    @Test
    void failuresAfterSendingHaveAnUnknownOutcome() {
        assertThat(translate(new SocketTimeoutException("Read timed out")))
                .isInstanceOf(GatewayOutcomeUnknownException.class);
        assertThat(translate(new SocketException("Connection reset")))
                .isInstanceOf(GatewayOutcomeUnknownException.class);
        assertThat(translate(new IOException("Unexpected end of file from server")))
                .isInstanceOf(GatewayOutcomeUnknownException.class);
    }

    @Test
    void anUnreadableAnswerHasAnUnknownOutcome() {
        GatewayException e = StripeErrors.translate(
                "create customer",
                new ApiException("Invalid response object from API", "req_123", null, 200, null),
                clock);
        assertThat(e).isInstanceOf(GatewayOutcomeUnknownException.class);
        assertThat(e.requestId()).isEqualTo("req_123");
    }

    private GatewayException translate(IOException cause) {
        return StripeErrors.translate(
                "create customer", new ApiConnectionException("IOException during API request", cause), clock);
    }
}
