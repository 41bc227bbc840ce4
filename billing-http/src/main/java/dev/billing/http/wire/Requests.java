package dev.billing.http.wire;

/**
 * Request bodies. Each is read strictly: a field not listed here is refused with 400 {@code unknown_field}, so a
 * client can never set what the server decides (customer, amounts, trial, mode, metadata).
 */
public final class Requests {
    private Requests() {}

    /** No fields: the body may be empty or {@code {}}. */
    @Doc("An empty object; the body may also be left out.")
    public record Empty() {}

    @Doc("A subscription (tier + interval) or a one-time item (priceId + quantity).")
    public record GuestCheckout(
            @Doc("A one-time catalog price open to guests.") String priceId,

            @OptionalField @Range(min = 1, max = 99) @Doc("How many, 1-99 (default 1).")
            Long quantity,

            @OptionalField @Doc("Prefilled on Checkout's page (the buyer may change it there).")
            String email,

            @OptionalField String successUrl,
            @OptionalField String cancelUrl) {}

    public record Checkout(
            @OptionalField @Doc("Tier to subscribe to, e.g. pro (with interval).")
            String tier,

            @OptionalField @OneOf({"month", "year"}) @Doc("month or year (with tier).")
            String interval,

            @OptionalField @Doc("A one-time catalog price to buy (instead of tier).")
            String priceId,

            @OptionalField @Range(min = 1, max = 99) @Doc("How many of the item, 1-99 (with priceId; default 1).")
            Long quantity,

            @OptionalField @Doc("Where Stripe sends the user after paying; must be on an allowed origin.")
            String successUrl,

            @OptionalField @Doc("Where Stripe sends the user when they cancel; must be on an allowed origin.")
            String cancelUrl,

            @OptionalField @Doc("A Stripe promotion code (with tier).")
            String promotionCode,

            @OptionalField
            @Range(min = 1, max = 10000)
            @Doc("Seats of a per-seat plan, 1-10000 (with tier; default 1).")
            Long seats) {}

    @Doc("A subscription through the mobile PaymentSheet: the server picks the price, trial, tax and discount.")
    public record SheetSubscription(
            @Doc("Tier to subscribe to, e.g. pro.") String tier,
            @OneOf({"month", "year"}) @Doc("month or year.") String interval,
            @OptionalField @Doc("A Stripe promotion code.") String promotionCode,

            @OptionalField @Range(min = 1, max = 10000) @Doc("Seats of a per-seat plan, 1-10000 (default 1).")
            Long seats,

            @OptionalField @Doc(STRIPE_VERSION) String stripeVersion) {}

    @Doc("A one-time catalog item through the mobile PaymentSheet, at the caller's tier discount.")
    public record SheetPurchase(
            @Doc("A one-time catalog price.") String priceId,

            @OptionalField @Range(min = 1, max = 99) @Doc("How many, 1-99 (default 1).")
            Long quantity,

            @OptionalField @Doc(STRIPE_VERSION) String stripeVersion) {}

    @Doc("Save a card through the mobile PaymentSheet; once confirmed it becomes the default card.")
    public record SheetSetup(
            @OptionalField @Doc(STRIPE_VERSION) String stripeVersion) {}

    private static final String STRIPE_VERSION = "The Stripe API version the app's Stripe SDK was built against (its "
            + "ephemeral key is made for it), e.g. 2026-07-29.dahlia; default: the server's.";

    public record Seats(
            @Range(min = 1, max = 10000) @Doc("How many seats the per-seat plan has, 1-10000.")
            Long seats,

            @OptionalField
            @OneOf({"create_prorations", "always_invoice", "none"})
            @Doc("create_prorations (default), always_invoice or none.")
            String prorationBehavior) {}

    public record Cancel(
            @OptionalField @Doc("Cancel at the end of the current period (default true) or now.")
            Boolean atPeriodEnd) {}

    public record ChangePlan(
            @Doc("The new tier.") String tier,
            @OneOf({"month", "year"}) @Doc("month or year.") String interval,

            @OptionalField
            @OneOf({"create_prorations", "always_invoice", "none"})
            @Doc("create_prorations (default), always_invoice or none.")
            String prorationBehavior) {}

    public record Discount(
            @Doc("A Stripe promotion code, e.g. SPRING25; it replaces the subscription's discount.")
            String promotionCode) {}

    public record Portal(
            @OptionalField @Doc("Where the portal's back link goes; must be on an allowed origin.")
            String returnUrl) {}

    public record Usage(
            @Doc("The meter, e.g. api_calls.") String meter,

            @Range(min = 1, max = 1_000_000_000) @Doc("A whole number from 1 to 1000000000.")
            Long amount) {}

    @Doc("One user, one customer, or (empty body) every customer.")
    public record Reconcile(
            @OptionalField @Doc("Reconcile this user's customer.")
            String userId,

            @OptionalField @Doc("Reconcile this Stripe customer.")
            String customerId) {}

    public record Refund(
            @Doc("The payment to refund (pi_...).") String paymentIntentId,

            @OptionalField @Range(min = 1) @Doc("Minor units to refund; the whole payment when left out.")
            Long amount,

            @OptionalField
            @OneOf({"duplicate", "fraudulent", "requested_by_customer"})
            @Doc("duplicate, fraudulent or requested_by_customer.")
            String reason) {}

    public record LocalToken(
            @Doc("The user to mint a session token for.") String userId,

            @OptionalField
            @Doc("The user's email address (the token's email claim): their Stripe customer's email "
                    + "and where notices go.")
            String email,

            @OptionalField
            @Doc("Whether Clerk verified that address (email_verified, default false): guest "
                    + "purchases are claimed only with a verified one. Needs email.")
            Boolean emailVerified,

            @OptionalField @Doc("An active organization for the session (org_...).")
            String orgId,

            @OptionalField @Doc("The user's role in it (default org:member; org:admin manages billing).")
            String orgRole,

            @OptionalField @Doc("The user's permissions in it (org:<feature>:<permission>).")
            java.util.List<String> orgPermissions) {}

    public record ServiceKeyCreate(
            @Doc("What the key is for, e.g. the calling service's name (1-100 characters).")
            String name,

            @Doc("One or more of entitlements:read, usage:write, customers:write, checkout:write.")
            java.util.List<String> scopes,

            @OptionalField @Doc("ISO-8601 instant in the future when the key stops working; never when left out.")
            String expiresAt) {}
}
