package dev.billing.core.guest;

import dev.billing.core.annotation.Internal;
import dev.billing.core.audit.AuditContext;
import dev.billing.core.checkout.RedirectPolicy;
import dev.billing.core.checkout.StartCheckout;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.customer.EnsureCustomer;
import dev.billing.core.entitlement.GetEntitlements;
import dev.billing.core.error.ForbiddenException;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.gateway.GatewayRetry;
import dev.billing.core.gateway.IdempotencyKeys;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Identity;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.CatalogItem;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.payment.GuestPurchase;
import dev.billing.core.model.subscription.CheckoutMode;
import dev.billing.core.model.subscription.CheckoutRequest;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.model.subscription.LineItem;
import dev.billing.core.port.GuestPurchaseStore;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.ProjectionListener;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One-time items bought without an account: Checkout in payment mode with no customer (Stripe creates one and the
 * buyer types an email there); the completed session is kept against that email ({@link dev.billing.core.webhook.ProcessInboxEvent}); a user
 * who signs in with that email, verified by Clerk, claims the purchases, which become theirs (owned items,
 * purchases, and the refunds of their payments) exactly once: the claim moves each purchase to the user's customer,
 * the same row with its payment intent, so analytics and the audit trail still count it once. Only items the plan
 * file opens to guests can be bought this way.
 *
 * <p>Usage: {@code guestPurchases.checkout(priceId, 1, email, null, null)}, later
 * {@code guestPurchases.claim(identity)}
 */
public final class GuestPurchases {
    /** What a guest's Checkout carries in its metadata, so its completion is kept as a guest purchase. */
    public static final String GUEST_METADATA = "guest";

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,255}\\.[^@\\s]{1,63}");

    private final PaymentGateway gateway;
    private final GuestPurchaseStore guests;
    private final ProjectionListener listener;
    private final EnsureCustomer ensureCustomer;
    private final GetEntitlements entitlements;
    private final PlanCatalog catalog;
    private final RedirectPolicy redirects;
    private final BillingOptions options;
    private final GatewayRetry retry;
    private final Clock clock;

    @Internal
    public GuestPurchases(
            PaymentGateway gateway,
            GuestPurchaseStore guests,
            ProjectionListener listener,
            EnsureCustomer ensureCustomer,
            GetEntitlements entitlements,
            PlanCatalog catalog,
            RedirectPolicy redirects,
            BillingOptions options,
            GatewayRetry retry,
            Clock clock) {
        this.gateway = gateway;
        this.guests = guests;
        this.listener = listener;
        this.ensureCustomer = ensureCustomer;
        this.entitlements = entitlements;
        this.catalog = catalog;
        this.redirects = redirects;
        this.options = options;
        this.retry = retry;
        this.clock = clock;
    }

    /**
     * @param email prefilled on Checkout's page, or null (the buyer types it there)
     * @throws InvalidRequestException {@code unknown_item}, {@code not_open_to_guests}, {@code invalid_quantity},
     *                                 {@code invalid_email}, {@code invalid_redirect_url}
     */
    public CheckoutSession checkout(String priceId, long quantity, String email, String successUrl, String cancelUrl) {
        CatalogItem item = catalog.itemForPrice(priceId)
                .orElseThrow(() -> new InvalidRequestException(
                        "unknown_item", "priceId", "Price " + priceId + " is not a catalog item for sale."));
        if (!item.openToGuests()) {
            throw new InvalidRequestException(
                    "not_open_to_guests",
                    "priceId",
                    "'" + item.name() + "' can be " + "bought by signed-in users only.");
        }
        if (quantity < 1 || quantity > StartCheckout.MAX_QUANTITY) {
            throw new InvalidRequestException(
                    "invalid_quantity",
                    "quantity",
                    "quantity must be between 1 and " + StartCheckout.MAX_QUANTITY + ".");
        }
        if (email != null && !EMAIL.matcher(email.strip()).matches()) {
            throw new InvalidRequestException("invalid_email", "email", "email is not an email address.");
        }
        String success = redirects.check(orDefault(successUrl, options.defaultSuccessUrl()), "successUrl");
        String cancel = redirects.check(orDefault(cancelUrl, options.defaultCancelUrl()), "cancelUrl");
        Map<String, String> metadata = Map.of(
                GUEST_METADATA,
                "true",
                "price_id",
                item.priceId(),
                "item",
                item.key(),
                "quantity",
                Long.toString(quantity));
        // A guest has no identity to tie retries of one click together: each call is its own session.
        CheckoutRequest request = new CheckoutRequest(
                CheckoutMode.PAYMENT,
                null,
                List.of(new LineItem.OfPrice(item.priceId(), quantity)),
                success,
                cancel,
                null,
                0,
                null,
                metadata,
                Map.of(),
                IdempotencyKeys.of("guest-checkout", UUID.randomUUID()),
                email == null ? null : email.strip(),
                options.stripeTax());
        return retry.call(() -> gateway.createCheckoutSession(request));
    }

    /** Keeps a completed, paid guest session against the buyer's email; false when it carries none or was kept. */
    public boolean record(CheckoutSession session, long quantity, String priceId) {
        if (session.customerEmail() == null || guests == GuestPurchaseStore.NONE) {
            return false;
        }
        return guests.record(new GuestPurchase(
                session.id(),
                session.customerEmail(),
                priceId,
                quantity,
                session.currency() == null ? "usd" : session.currency(),
                session.amountTotal() == null ? 0 : session.amountTotal(),
                session.customerId(),
                clock.instant(),
                null,
                null));
    }

    /**
     * Claims the guest purchases made with the caller's email, which Clerk must have verified
     * ({@code email_verified} in the session token); answers every guest purchase the caller now holds.
     *
     * @throws ForbiddenException {@code email_not_verified} without a verified email in the token
     */
    public List<GuestPurchase> claim(Identity identity) {
        if (identity.verifiedEmail() == null) {
            throw new ForbiddenException(
                    "email_not_verified",
                    "Guest purchases are claimed with a verified email; "
                            + "this session token carries none (add email and email_verified to the Clerk session token).");
        }
        UserId user = identity.userId();
        // The customer is made only for a caller with something to claim (or an earlier claim to finish).
        boolean any = guests.ofEmail(identity.email()).stream()
                .anyMatch(p -> p.claimedBy() == null || p.claimedBy().equals(user));
        if (!any) {
            return List.of();
        }
        CustomerId customer = ensureCustomer.ensure(identity).customerId();
        // One atomic step: the purchases become the user's and move to the customer, or nothing happens; a retry
        // finishes what an interrupted claim (or one made before claims moved purchases) left.
        List<GuestPurchase> held =
                guests.claim(identity.email(), user, customer, clock.instant(), AuditContext.current());
        if (!held.isEmpty()) {
            entitlements.invalidate(user);
            listener.projectionChanged(customer);
        }
        return held;
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
