package dev.billing.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Tunables of the billing core, with production defaults.
 *
 * <p>Usage: {@code BillingOptions.builder().allowedOrigins(List.of("https://app.example.com")).build()}
 *
 * @param allowedOrigins       origins allowed in success, cancel and return URLs
 * @param requireHttps         reject plain-http redirect URLs (loopback hosts excepted)
 * @param defaultSuccessUrl    used when a checkout names none (may be null: then one is required)
 * @param defaultCancelUrl     likewise for cancel
 * @param defaultReturnUrl     likewise for the portal's return URL
 * @param livemode             which Stripe mode this deployment serves; events of the other mode are ignored
 * @param refetchOnWebhook     re-read subscriptions/invoices from Stripe when an event arrives (DESIGN §4.3)
 * @param catalogTtl           how long a catalog read is served from cache
 * @param catalogMaxStale      how long a stale catalog may still be served while Stripe fails
 * @param inboxLease           how long a claimed event is reserved for its worker
 * @param retrySchedule        when failed events are tried again, and when they are parked
 * @param inlinePermits        events processed inline in webhook requests at once (0: always by the worker)
 * @param backgroundPermits    events handed at once to the executor a caller passes to
 *                             {@link dev.billing.core.webhook.ReceiveWebhook#receive(byte[], String, java.util.concurrent.Executor)}, to be
 *                             processed after the answer (when all are taken, a delivery joins the same batches but
 *                             its answer waits until its batch is processed)
 * @param pastDueGrace         how long after it fell due (the unpaid period's start, or the later moment it turned past
 *                             due) a past_due plan keeps its entitlements
 * @param gatewayAttempts      attempts for an idempotent Stripe call in a user request
 * @param gatewayBudget        time budget for those attempts
 * @param gatewayBackoff       first pause between attempts (doubling)
 * @param entitlementsCacheTtl how long computed entitlements are cached at most (changes made by this process, and
 *                             by others on the same store while started, drop them sooner)
 * @param stripeTax            Checkout sessions ask Stripe Tax to compute tax ({@code automatic_tax}), collect tax
 *                             ids and require a billing address (the Stripe account must have Tax set up)
 * @param duplicateSubscriptions what to do when a party ends up with a second live subscription (DESIGN §4.4)
 * @param retention            how long the stores keep handled webhook events, usage keys and notices; a started
 *                             {@link dev.billing.core.Billing} deletes what is older
 * @param stripePublishableKey the Stripe publishable key ({@code pk_...}) the mobile PaymentSheet is given with each
 *                             sheet, or null (the app then brings its own)
 * @param analyticsMaxAge      how old the revenue figures the admin routes and dashboard serve may be (each is
 *                             computed again in the background past half of it); zero computes each answer anew
 */
public record BillingOptions(
        List<String> allowedOrigins,
        boolean requireHttps,
        String defaultSuccessUrl,
        String defaultCancelUrl,
        String defaultReturnUrl,
        boolean livemode,
        boolean refetchOnWebhook,
        Duration catalogTtl,
        Duration catalogMaxStale,
        Duration inboxLease,
        RetrySchedule retrySchedule,
        int inlinePermits,
        int backgroundPermits,
        Duration pastDueGrace,
        int gatewayAttempts,
        Duration gatewayBudget,
        Duration gatewayBackoff,
        Duration entitlementsCacheTtl,
        boolean stripeTax,
        DuplicateSubscriptions duplicateSubscriptions,
        RetentionOptions retention,
        String stripePublishableKey,
        Duration analyticsMaxAge) {
    public BillingOptions {
        Objects.requireNonNull(analyticsMaxAge, "analyticsMaxAge");
        if (analyticsMaxAge.isNegative()) {
            throw new IllegalArgumentException("analyticsMaxAge must not be negative");
        }
        Objects.requireNonNull(retention, "retention");
        if (stripePublishableKey != null && !stripePublishableKey.startsWith("pk_")) {
            throw new IllegalArgumentException("stripePublishableKey must be a publishable key (pk_...)");
        }
        Objects.requireNonNull(duplicateSubscriptions, "duplicateSubscriptions");
        allowedOrigins = List.copyOf(allowedOrigins);
        Objects.requireNonNull(catalogTtl, "catalogTtl");
        Objects.requireNonNull(catalogMaxStale, "catalogMaxStale");
        Objects.requireNonNull(inboxLease, "inboxLease");
        Objects.requireNonNull(retrySchedule, "retrySchedule");
        Objects.requireNonNull(pastDueGrace, "pastDueGrace");
        Objects.requireNonNull(gatewayBudget, "gatewayBudget");
        Objects.requireNonNull(gatewayBackoff, "gatewayBackoff");
        Objects.requireNonNull(entitlementsCacheTtl, "entitlementsCacheTtl");
        if (inlinePermits < 0) {
            throw new IllegalArgumentException("inlinePermits must not be negative");
        }
        if (backgroundPermits < 0) {
            throw new IllegalArgumentException("backgroundPermits must not be negative");
        }
        if (gatewayAttempts < 1) {
            throw new IllegalArgumentException("gatewayAttempts must be at least 1");
        }
        if (inboxLease.isNegative() || inboxLease.isZero()) {
            throw new IllegalArgumentException("inboxLease must be positive");
        }
    }

    public static BillingOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.allowedOrigins = allowedOrigins;
        b.requireHttps = requireHttps;
        b.defaultSuccessUrl = defaultSuccessUrl;
        b.defaultCancelUrl = defaultCancelUrl;
        b.defaultReturnUrl = defaultReturnUrl;
        b.livemode = livemode;
        b.refetchOnWebhook = refetchOnWebhook;
        b.catalogTtl = catalogTtl;
        b.catalogMaxStale = catalogMaxStale;
        b.inboxLease = inboxLease;
        b.retrySchedule = retrySchedule;
        b.inlinePermits = inlinePermits;
        b.backgroundPermits = backgroundPermits;
        b.pastDueGrace = pastDueGrace;
        b.gatewayAttempts = gatewayAttempts;
        b.gatewayBudget = gatewayBudget;
        b.gatewayBackoff = gatewayBackoff;
        b.entitlementsCacheTtl = entitlementsCacheTtl;
        b.stripeTax = stripeTax;
        b.duplicateSubscriptions = duplicateSubscriptions;
        b.retention = retention;
        b.stripePublishableKey = stripePublishableKey;
        b.analyticsMaxAge = analyticsMaxAge;
        return b;
    }

    /** Builder with production defaults. */
    public static final class Builder {
        private List<String> allowedOrigins = List.of();
        private boolean requireHttps = true;
        private String defaultSuccessUrl;
        private String defaultCancelUrl;
        private String defaultReturnUrl;
        private boolean livemode;
        private boolean refetchOnWebhook = true;
        private Duration catalogTtl = Duration.ofSeconds(60);
        private Duration catalogMaxStale = Duration.ofHours(24);
        private Duration inboxLease = Duration.ofSeconds(60);
        private RetrySchedule retrySchedule = RetrySchedule.defaults();
        private int inlinePermits = 16;
        private int backgroundPermits = 256;
        private Duration pastDueGrace = Duration.ofDays(7);
        private int gatewayAttempts = 3;
        private Duration gatewayBudget = Duration.ofSeconds(10);
        private Duration gatewayBackoff = Duration.ofMillis(250);
        private Duration entitlementsCacheTtl = Duration.ofSeconds(30);
        private boolean stripeTax;
        private DuplicateSubscriptions duplicateSubscriptions = DuplicateSubscriptions.CANCEL;
        private RetentionOptions retention = RetentionOptions.defaults();
        private String stripePublishableKey;
        private Duration analyticsMaxAge = Duration.ofSeconds(60);

        private Builder() {}

        public Builder allowedOrigins(List<String> value) {
            this.allowedOrigins = List.copyOf(value);
            return this;
        }

        public Builder requireHttps(boolean value) {
            this.requireHttps = value;
            return this;
        }

        public Builder defaultSuccessUrl(String value) {
            this.defaultSuccessUrl = value;
            return this;
        }

        public Builder defaultCancelUrl(String value) {
            this.defaultCancelUrl = value;
            return this;
        }

        public Builder defaultReturnUrl(String value) {
            this.defaultReturnUrl = value;
            return this;
        }

        public Builder livemode(boolean value) {
            this.livemode = value;
            return this;
        }

        public Builder refetchOnWebhook(boolean value) {
            this.refetchOnWebhook = value;
            return this;
        }

        public Builder catalogTtl(Duration value) {
            this.catalogTtl = value;
            return this;
        }

        public Builder catalogMaxStale(Duration value) {
            this.catalogMaxStale = value;
            return this;
        }

        public Builder inboxLease(Duration value) {
            this.inboxLease = value;
            return this;
        }

        public Builder retrySchedule(RetrySchedule value) {
            this.retrySchedule = value;
            return this;
        }

        public Builder inlinePermits(int value) {
            this.inlinePermits = value;
            return this;
        }

        public Builder backgroundPermits(int value) {
            this.backgroundPermits = value;
            return this;
        }

        public Builder pastDueGrace(Duration value) {
            this.pastDueGrace = value;
            return this;
        }

        public Builder gatewayAttempts(int value) {
            this.gatewayAttempts = value;
            return this;
        }

        public Builder gatewayBudget(Duration value) {
            this.gatewayBudget = value;
            return this;
        }

        public Builder gatewayBackoff(Duration value) {
            this.gatewayBackoff = value;
            return this;
        }

        public Builder entitlementsCacheTtl(Duration value) {
            this.entitlementsCacheTtl = value;
            return this;
        }

        public Builder stripeTax(boolean value) {
            this.stripeTax = value;
            return this;
        }

        /** {@link DuplicateSubscriptions#CANCEL} unless set: nobody means to pay twice for the one plan they hold. */
        public Builder duplicateSubscriptions(DuplicateSubscriptions value) {
            this.duplicateSubscriptions = value;
            return this;
        }

        /** {@link RetentionOptions#defaults()} unless set. */
        public Builder retention(RetentionOptions value) {
            this.retention = value;
            return this;
        }

        public Builder stripePublishableKey(String value) {
            this.stripePublishableKey = value == null || value.isBlank() ? null : value.strip();
            return this;
        }

        /** 60 s unless set; {@link Duration#ZERO} computes every answer anew (exact, at the cost of the store). */
        public Builder analyticsMaxAge(Duration value) {
            this.analyticsMaxAge = value;
            return this;
        }

        public BillingOptions build() {
            return new BillingOptions(
                    allowedOrigins,
                    requireHttps,
                    defaultSuccessUrl,
                    defaultCancelUrl,
                    defaultReturnUrl,
                    livemode,
                    refetchOnWebhook,
                    catalogTtl,
                    catalogMaxStale,
                    inboxLease,
                    retrySchedule,
                    inlinePermits,
                    backgroundPermits,
                    pastDueGrace,
                    gatewayAttempts,
                    gatewayBudget,
                    gatewayBackoff,
                    entitlementsCacheTtl,
                    stripeTax,
                    duplicateSubscriptions,
                    retention,
                    stripePublishableKey,
                    analyticsMaxAge);
        }
    }
}
