package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.error.ConflictException;
import dev.billing.core.error.GatewayOutcomeUnknownException;
import dev.billing.core.error.GatewayRateLimitedException;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.error.GatewayUnavailableException;
import dev.billing.core.error.IdentityRejectedException;
import dev.billing.core.error.IdentityUnavailableException;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.error.NotFoundException;
import dev.billing.core.error.StoreException;
import dev.billing.core.error.StoreUnavailableException;
import dev.billing.core.error.WebhookRejectedException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The mapping table of docs/HTTP_API.md, row by row. */
class ErrorMapperTest {
    final ErrorMapper mapper = new ErrorMapper(new JsonCodec());

    ErrorMapper.Mapped map(Throwable t) {
        return mapper.map(t);
    }

    @Test
    void requestErrors() {
        assertThat(map(new InvalidRequestException("invalid_redirect_url", "successUrl", "bad")))
                .extracting(ErrorMapper.Mapped::status, ErrorMapper.Mapped::code)
                .containsExactly(400, "invalid_redirect_url");
        assertThat(map(new NotFoundException("subscription", "sub_1")).status()).isEqualTo(404);
        assertThat(map(new NotFoundException("subscription", "sub_1")).code()).isEqualTo("subscription_not_found");
        assertThat(map(new ConflictException("already_subscribed", "m")).status())
                .isEqualTo(409);
        assertThat(map(new WebhookRejectedException(WebhookRejectedException.Reason.TIMESTAMP_TOO_OLD, "secret detail"))
                        .message())
                .isEqualTo("The signature timestamp is too old.");
    }

    @Test
    void identityErrors() {
        ErrorMapper.Mapped missing = map(new IdentityRejectedException(IdentityRejectedException.Reason.MISSING, "x"));
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.code()).isEqualTo("unauthenticated");
        assertThat(missing.headers()).containsEntry("WWW-Authenticate", "Bearer");
        ErrorMapper.Mapped expired =
                map(new IdentityRejectedException(IdentityRejectedException.Reason.EXPIRED, "token expired at 12:00"));
        assertThat(expired.headers().get("WWW-Authenticate")).startsWith("Bearer error=");
        assertThat(expired.message()).doesNotContain("12:00");
        assertThat(map(new IdentityRejectedException(IdentityRejectedException.Reason.SESSION_PENDING, "x")))
                .extracting(ErrorMapper.Mapped::status, ErrorMapper.Mapped::code)
                .containsExactly(403, "session_pending");
        ErrorMapper.Mapped unavailable = map(new IdentityUnavailableException("jwks down"));
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.code()).isEqualTo("auth_unavailable");
        assertThat(unavailable.headers()).containsKey("Retry-After");
    }

    @Test
    void storeErrorsNeverLeakTheirMessage() {
        ErrorMapper.Mapped down = map(new StoreUnavailableException("connection to 10.0.0.5:5432 refused"));
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.code()).isEqualTo("store_unavailable");
        assertThat(down.headers()).containsKey("Retry-After");
        assertThat(down.message()).doesNotContain("10.0.0.5");
        ErrorMapper.Mapped broken = map(new StoreException("ERROR: relation \"billing.x\" does not exist: SELECT *"));
        assertThat(broken.status()).isEqualTo(500);
        assertThat(broken.code()).isEqualTo("internal_error");
        assertThat(broken.message()).doesNotContain("SELECT");
    }

    @Test
    void gatewayErrors() {
        for (Throwable t : new Throwable[] {
            new GatewayUnavailableException("refused"),
            new GatewayOutcomeUnknownException("read timeout"),
            new GatewayRateLimitedException("429", Duration.ofSeconds(7))
        }) {
            ErrorMapper.Mapped m = map(t);
            assertThat(m.status()).isEqualTo(503);
            assertThat(m.code()).isEqualTo("stripe_unavailable");
            assertThat(m.headers()).containsKey("Retry-After");
        }
        assertThat(map(new GatewayRateLimitedException("429", Duration.ofSeconds(7)))
                        .headers())
                .containsEntry("Retry-After", "7");
        assertThat(map(new GatewayRejectedException(
                        "Your card was declined.", 402, "card_declined", null, "insufficient_funds", "req_1", null)))
                .extracting(ErrorMapper.Mapped::status, ErrorMapper.Mapped::code)
                .containsExactly(402, "card_declined");
        assertThat(map(new GatewayRejectedException("No such invoice: 'in_1'", 404, "resource_missing", "id")))
                .extracting(ErrorMapper.Mapped::status, ErrorMapper.Mapped::code)
                .containsExactly(404, "not_found");
        ErrorMapper.Mapped other =
                map(new GatewayRejectedException("Invalid price sk_live_xyz", 400, "parameter_invalid", "price"));
        assertThat(other.status()).isEqualTo(502);
        assertThat(other.code()).isEqualTo("stripe_error");
        assertThat(other.message()).doesNotContain("sk_live");
    }

    @Test
    void anythingElseIsAGenericInternalError() {
        ErrorMapper.Mapped m = map(new NullPointerException("Cannot invoke \"String.length()\""));
        assertThat(m.status()).isEqualTo(500);
        assertThat(m.code()).isEqualTo("internal_error");
        assertThat(m.message()).doesNotContain("String");
    }
}
