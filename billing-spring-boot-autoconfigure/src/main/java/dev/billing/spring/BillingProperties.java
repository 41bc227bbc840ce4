package dev.billing.spring;

import dev.billing.clerk.ClerkConfig;
import dev.billing.core.config.DuplicateSubscriptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.core.io.Resource;
import org.springframework.validation.BindingResult;
import org.springframework.validation.Errors;
import org.springframework.validation.FieldError;
import org.springframework.validation.Validator;

/**
 * The {@code billing.*} properties. They validate themselves when bound, so a context with a wrong or missing
 * setting fails to start with every problem listed at once, each under its property name.
 */
@ConfigurationProperties(prefix = "billing")
public class BillingProperties implements Validator {
    /** Svix's form: whsec_ and the base64 of the key (ClerkWebhookVerifier needs at least 16 bytes of it). */
    private static final Pattern SVIX_SECRET = Pattern.compile("whsec_[A-Za-z0-9+/=]+");

    private static final int SVIX_MIN_KEY_BYTES = 16;
    /** Stands in for a rejected secret in a validation error, which would otherwise print it. */
    private static final String HIDDEN = "(hidden)";

    /** Whether billing is configured at all (false: no billing bean is created). */
    private boolean enabled = true;

    @NestedConfigurationProperty
    private final BillingStripeProperties stripe = new BillingStripeProperties();

    @NestedConfigurationProperty
    private final BillingStoreProperties store = new BillingStoreProperties();

    private final Clerk clerk = new Clerk();

    @NestedConfigurationProperty
    private final BillingOrgProperties orgs = new BillingOrgProperties();

    private final Erasure erasure = new Erasure();

    @NestedConfigurationProperty
    private final BillingRetentionProperties retention = new BillingRetentionProperties();

    /**
     * The plan catalog YAML (docs/PLANS.md), e.g. {@code classpath:plans.yaml} or {@code file:/etc/billing/plans.yaml};
     * unset: the sample catalog.
     */
    private Resource plansFile;

    /** Origins (scheme, host, port) that Checkout and portal return URLs and cookie-authenticated writes may use. */
    private List<String> allowedOrigins = new ArrayList<>();

    /** Where Checkout returns after payment when the request names no URL. */
    private URI successUrl;

    /** Where Checkout returns when the customer cancels, when the request names no URL. */
    private URI cancelUrl;

    /** Where the customer portal returns, when the request names no URL. */
    private URI returnUrl;

    /** Whether return URLs must be https (loopback excepted). */
    private boolean requireHttps = true;

    /**
     * How long a past_due subscription keeps its entitlements, from when it fell due: the unpaid period's start, or the
     * later moment it turned past due (0-90 days).
     */
    private Duration pastDueGrace = Duration.ofDays(7);

    /** Re-read subscriptions and invoices from Stripe when their events arrive (order-proof). */
    private boolean refetchOnWebhook = true;

    /** How long a user's entitlements are cached at most (changes made by any instance drop them sooner). */
    private Duration entitlementsCacheTtl = Duration.ofSeconds(30);

    /** How old the admin routes' revenue figures may be (0: computed at every request; ?fresh=true always is). */
    private Duration analyticsMaxAge = Duration.ofSeconds(60);

    /** Checkout asks Stripe Tax for tax, collects tax ids and requires a billing address (set up Tax in Stripe). */
    private boolean stripeTax;

    /**
     * What to do when a user or organization ends up with a second live subscription (two Checkout sessions paid):
     * cancel (cancel the newer at once and refund what it charged) or flag (keep both, flag the newer).
     */
    private DuplicateSubscriptions duplicateSubscriptions = DuplicateSubscriptions.CANCEL;

    private final Notices notices = new Notices();

    @NestedConfigurationProperty
    private final BillingHttpProperties http = new BillingHttpProperties();

    @Override
    public boolean supports(Class<?> type) {
        return BillingProperties.class.isAssignableFrom(type);
    }

    @Override
    public void validate(Object target, Errors errors) {
        BillingProperties p = (BillingProperties) target;
        if (!p.enabled) {
            return;
        }
        p.stripe.validate(errors);
        p.store.validate(errors);
        p.clerk.validate(errors);
        p.orgs.validate(errors);
        p.retention.validate(errors);
        if (p.orgs.isMembershipSync() && p.clerk.webhookSecrets.isEmpty()) {
            errors.rejectValue(
                    "clerk.webhookSecrets",
                    "required",
                    "is required with "
                            + "billing.orgs.membership-sync=true: the signing secret (whsec_...) of the Clerk webhook endpoint "
                            + "that sends organizationMembership events");
        }
        for (int i = 0; i < p.allowedOrigins.size(); i++) {
            String origin = p.allowedOrigins.get(i);
            if (!isOrigin(origin)) {
                errors.rejectValue(
                        "allowedOrigins[" + i + "]",
                        "invalid",
                        "must be an origin like https://app.example.com (scheme, host and port, no path)");
            }
        }
        if (p.pastDueGrace.isNegative() || p.pastDueGrace.compareTo(Duration.ofDays(90)) > 0) {
            errors.rejectValue("pastDueGrace", "range", "must be between 0 and 90 days");
        }
        if (p.entitlementsCacheTtl.isNegative()) {
            errors.rejectValue("entitlementsCacheTtl", "range", "must not be negative");
        }
        if (p.analyticsMaxAge.isNegative()) {
            errors.rejectValue("analyticsMaxAge", "range", "must not be negative");
        }
        p.notices.validate(errors);
        p.http.validate(errors);
    }

    private static boolean isOrigin(String value) {
        try {
            URI uri = URI.create(value);
            return uri.getScheme() != null
                    && (uri.getScheme().equals("https") || uri.getScheme().equals("http"))
                    && uri.getHost() != null
                    && (uri.getPath() == null || uri.getPath().isEmpty())
                    && uri.getQuery() == null
                    && uri.getFragment() == null
                    && uri.getUserInfo() == null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public BillingStripeProperties getStripe() {
        return stripe;
    }

    public BillingStoreProperties getStore() {
        return store;
    }

    public Clerk getClerk() {
        return clerk;
    }

    public BillingOrgProperties getOrgs() {
        return orgs;
    }

    public BillingRetentionProperties getRetention() {
        return retention;
    }

    public Erasure getErasure() {
        return erasure;
    }

    public Resource getPlansFile() {
        return plansFile;
    }

    public void setPlansFile(Resource plansFile) {
        this.plansFile = plansFile;
    }

    public List<String> getAllowedOrigins() {
        return allowedOrigins;
    }

    public void setAllowedOrigins(List<String> allowedOrigins) {
        this.allowedOrigins = allowedOrigins;
    }

    public URI getSuccessUrl() {
        return successUrl;
    }

    public void setSuccessUrl(URI successUrl) {
        this.successUrl = successUrl;
    }

    public URI getCancelUrl() {
        return cancelUrl;
    }

    public void setCancelUrl(URI cancelUrl) {
        this.cancelUrl = cancelUrl;
    }

    public URI getReturnUrl() {
        return returnUrl;
    }

    public void setReturnUrl(URI returnUrl) {
        this.returnUrl = returnUrl;
    }

    public boolean isRequireHttps() {
        return requireHttps;
    }

    public void setRequireHttps(boolean requireHttps) {
        this.requireHttps = requireHttps;
    }

    public Duration getPastDueGrace() {
        return pastDueGrace;
    }

    public void setPastDueGrace(Duration pastDueGrace) {
        this.pastDueGrace = pastDueGrace;
    }

    public boolean isRefetchOnWebhook() {
        return refetchOnWebhook;
    }

    public void setRefetchOnWebhook(boolean refetchOnWebhook) {
        this.refetchOnWebhook = refetchOnWebhook;
    }

    public Duration getEntitlementsCacheTtl() {
        return entitlementsCacheTtl;
    }

    public void setEntitlementsCacheTtl(Duration entitlementsCacheTtl) {
        this.entitlementsCacheTtl = entitlementsCacheTtl;
    }

    public Duration getAnalyticsMaxAge() {
        return analyticsMaxAge;
    }

    public void setAnalyticsMaxAge(Duration analyticsMaxAge) {
        this.analyticsMaxAge = analyticsMaxAge;
    }

    public boolean isStripeTax() {
        return stripeTax;
    }

    public void setStripeTax(boolean stripeTax) {
        this.stripeTax = stripeTax;
    }

    public DuplicateSubscriptions getDuplicateSubscriptions() {
        return duplicateSubscriptions;
    }

    public void setDuplicateSubscriptions(DuplicateSubscriptions duplicateSubscriptions) {
        this.duplicateSubscriptions = duplicateSubscriptions;
    }

    public Notices getNotices() {
        return notices;
    }

    public BillingHttpProperties getHttp() {
        return http;
    }

    /** Clerk: who signs session tokens, where its keys come from, which origins may present them. */
    public static class Clerk {
        /** The Clerk instance that issues session tokens, e.g. https://clerk.example.com. */
        private String issuer;

        /** The publishable key (pk_...): names the issuer and its JWKS when those are not set. */
        private String publishableKey;

        /** Where Clerk's signing keys are fetched (default: the issuer's /.well-known/jwks.json). */
        private URI jwksUrl;

        /** Clerk's PEM public key (networkless verification instead of the JWKS). */
        private String jwtKey;

        /** Origins allowed in a token's azp claim (empty: any). */
        private List<String> authorizedParties = new ArrayList<>();

        /**
         * The signing secrets (whsec_...) of Clerk's webhook endpoint that sends organizationMembership events
         * (required with billing.orgs.membership-sync); several during a rotation.
         */
        private List<String> webhookSecrets = new ArrayList<>();

        void validate(Errors errors) {
            boolean hasIssuer = notBlank(issuer) || notBlank(publishableKey);
            boolean hasKeys = jwksUrl != null || notBlank(jwtKey) || notBlank(publishableKey);
            if (!hasIssuer) {
                errors.rejectValue(
                        "clerk.issuer",
                        "required",
                        "is required (or billing.clerk.publishable-key): the Clerk instance that signs session tokens");
            } else if (notBlank(issuer)
                    && !issuer.strip().startsWith("https://")
                    && !issuer.strip().startsWith("http://localhost")
                    && !issuer.strip().startsWith("http://127.")) {
                errors.rejectValue("clerk.issuer", "invalid", "must be an https URL");
            }
            if (!hasKeys) {
                errors.rejectValue(
                        "clerk.jwtKey",
                        "required",
                        "is required (or billing.clerk.jwks-url or "
                                + "billing.clerk.publishable-key): where Clerk's signing keys come from");
            }
            String pemProblem = notBlank(jwtKey) ? pemProblem(jwtKey) : null;
            if (pemProblem != null) {
                // Hidden like a secret: a private key pasted here by mistake must not reach the logs.
                rejectSecret(
                        errors,
                        "clerk.jwtKey",
                        "must be Clerk's PEM public key (-----BEGIN PUBLIC KEY-----, "
                                + "RSA of 2048 to 8192 bits, as Clerk's dashboard shows it under API keys): "
                                + pemProblem);
            }
            for (int i = 0; i < webhookSecrets.size(); i++) {
                if (!isSvixSecret(webhookSecrets.get(i))) {
                    rejectSecret(
                            errors,
                            "clerk.webhookSecrets[" + i + "]",
                            "must be a Svix signing secret: whsec_ "
                                    + "followed by base64, as Clerk's dashboard shows it for the webhook endpoint");
                }
            }
        }

        /**
         * What the Clerk adapter would refuse in the PEM when the verifier is made (null: nothing), so a malformed key
         * is named with the other problems instead of failing on its own later. The messages never quote the key.
         */
        private static String pemProblem(String pem) {
            try {
                ClerkConfig.builder().jwtKey(pem.strip());
                return null;
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }

        /** Checked as ClerkWebhookVerifier reads it, so a secret it would refuse is named with the other problems. */
        private static boolean isSvixSecret(String value) {
            if (value == null || !SVIX_SECRET.matcher(value.strip()).matches()) {
                return false;
            }
            try {
                return Base64.getDecoder().decode(value.strip().substring("whsec_".length())).length
                        >= SVIX_MIN_KEY_BYTES;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        public String getIssuer() {
            return issuer;
        }

        public void setIssuer(String issuer) {
            this.issuer = issuer;
        }

        public String getPublishableKey() {
            return publishableKey;
        }

        public void setPublishableKey(String publishableKey) {
            this.publishableKey = publishableKey;
        }

        public URI getJwksUrl() {
            return jwksUrl;
        }

        public void setJwksUrl(URI jwksUrl) {
            this.jwksUrl = jwksUrl;
        }

        public String getJwtKey() {
            return jwtKey;
        }

        public void setJwtKey(String jwtKey) {
            this.jwtKey = jwtKey;
        }

        public List<String> getAuthorizedParties() {
            return authorizedParties;
        }

        public void setAuthorizedParties(List<String> authorizedParties) {
            this.authorizedParties = authorizedParties;
        }

        public List<String> getWebhookSecrets() {
            return webhookSecrets;
        }

        public void setWebhookSecrets(List<String> webhookSecrets) {
            this.webhookSecrets = webhookSecrets;
        }

        @Override
        public String toString() {
            // Never the webhook secrets themselves (as Stripe's).
            return "Clerk{issuer=" + issuer + ", publishableKey=" + publishableKey + ", jwksUrl=" + jwksUrl
                    + ", jwtKey=" + (jwtKey == null ? "unset" : "set") + ", authorizedParties=" + authorizedParties
                    + ", webhookSecrets=" + webhookSecrets.size() + "}";
        }
    }

    /**
     * What an erasure of personal data (DELETE /me, DELETE /admin/users/{userId}) also does at Stripe; by default
     * nothing: billing's own records are erased and Stripe keeps the customer.
     */
    public static class Erasure {
        /** End the account's subscriptions at Stripe at once. */
        private boolean cancelSubscriptions;

        /** Delete the Stripe customer (which ends its subscriptions too). */
        private boolean deleteStripeCustomer;

        public boolean isCancelSubscriptions() {
            return cancelSubscriptions;
        }

        public void setCancelSubscriptions(boolean cancelSubscriptions) {
            this.cancelSubscriptions = cancelSubscriptions;
        }

        public boolean isDeleteStripeCustomer() {
            return deleteStripeCustomer;
        }

        public void setDeleteStripeCustomer(boolean deleteStripeCustomer) {
            this.deleteStripeCustomer = deleteStripeCustomer;
        }
    }

    /** Notices (trial ending, payment failed, receipts): mailed through the application's JavaMailSender. */
    public static class Notices {
        /** Mail notices when the application has a JavaMailSender (false: only log them). */
        private boolean mail = true;

        /** The From address of notice mails (required to mail them). */
        private String from;

        /** The product name notices speak of. */
        private String appName = "Billing";

        void validate(Errors errors) {
            if (from != null && !from.isBlank() && !from.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
                errors.rejectValue("notices.from", "invalid", "must be an email address");
            }
        }

        public boolean isMail() {
            return mail;
        }

        public void setMail(boolean mail) {
            this.mail = mail;
        }

        public String getFrom() {
            return from;
        }

        public void setFrom(String from) {
            this.from = from;
        }

        public String getAppName() {
            return appName;
        }

        public void setAppName(String appName) {
            this.appName = appName;
        }
    }

    private static boolean notBlank(String value) {
        return value != null && !value.isBlank();
    }

    /**
     * Rejects a secret without its value: {@code rejectValue} would record the value itself, which the startup
     * failure then prints ({@code Value: "..."}) to logs that must not hold it.
     */
    static void rejectSecret(Errors errors, String field, String message) {
        if (errors instanceof BindingResult result) {
            result.addError(new FieldError(
                    result.getObjectName(),
                    field,
                    HIDDEN,
                    false,
                    result.resolveMessageCodes("invalid", field),
                    null,
                    message));
        } else {
            errors.reject("invalid", "billing." + field + " " + message);
        }
    }
}
