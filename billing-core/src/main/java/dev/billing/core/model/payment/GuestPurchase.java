package dev.billing.core.model.payment;

import dev.billing.core.model.Checks;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.UserId;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A one-time item bought without an account, kept against the email the buyer gave at Checkout until a user who
 * signs in with that email, verified, claims it ({@code claimedBy}, {@code claimedAt}; null until then).
 * {@code customerId} is the customer Stripe created for the payment.
 */
public record GuestPurchase(
        String sessionId,
        String email,
        String priceId,
        long quantity,
        String currency,
        long amountTotal,
        CustomerId customerId,
        Instant purchasedAt,
        UserId claimedBy,
        Instant claimedAt) {
    public GuestPurchase {
        Checks.text(sessionId, "sessionId");
        email = normalise(email);
        Checks.text(priceId, "priceId");
        Checks.nonNegative(amountTotal, "amountTotal");
        Objects.requireNonNull(purchasedAt, "purchasedAt");
        if ((claimedBy == null) != (claimedAt == null)) {
            throw new IllegalArgumentException("claimedBy and claimedAt come together");
        }
    }

    /** Emails are compared without regard to case or surrounding space. */
    public static String normalise(String email) {
        Checks.text(email, "email");
        return email.strip().toLowerCase(Locale.ROOT);
    }

    public GuestPurchase claimed(UserId user, Instant at) {
        return new GuestPurchase(
                sessionId,
                email,
                priceId,
                quantity,
                currency,
                amountTotal,
                customerId,
                purchasedAt,
                Objects.requireNonNull(user, "user"),
                Objects.requireNonNull(at, "at"));
    }

    /** The email is the buyer's personal data: left out. */
    @Override
    public String toString() {
        return "GuestPurchase[sessionId=" + sessionId + ", priceId=" + priceId + ", claimedBy=" + claimedBy + "]";
    }
}
