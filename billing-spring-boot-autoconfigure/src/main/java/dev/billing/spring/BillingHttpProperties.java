package dev.billing.spring;

import dev.billing.core.config.IpRanges;
import dev.billing.http.StripeWebhookSources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.validation.Errors;

/** The HTTP routes of the standalone server, served by Spring MVC, group by group. */
public class BillingHttpProperties {
    private final Group webhooks = new Group();

    private final Group api = new Group();

    private final Group admin = new Group(false);

    private final Group openapi = new Group();

    /** The admin routes' bearer token (at least 32 characters; required when the admin group is on). */
    private String adminToken;

    /** Serve the catalog routes without a session token. */
    private boolean publicCatalog;

    /** Requests per user per minute on the user routes (0: off). */
    private int userRequestsPerMinute = 300;

    /** Requests per client IP per minute (0: off). */
    private int ipRequestsPerMinute = 1200;

    /** Requests per service API key per minute, instead of the per-user limit (0: off). */
    private int serviceKeyRequestsPerMinute = 3000;

    /**
     * Guest checkouts (POST /guest/checkout, no session token) per client IP per minute, each creating a Stripe
     * Checkout session (0: no limit beyond billing.http.ip-requests-per-minute).
     */
    private int guestCheckoutsPerMinute = 10;

    /**
     * Take the client IP from the last X-Forwarded-For entry, whoever connects (one proxy of unknown address); prefer
     * billing.http.trusted-proxies.
     */
    private boolean trustForwardedFor;

    /**
     * Addresses and CIDR ranges of the proxies whose X-Forwarded-For is believed: the client is its right-most entry
     * that is not one of them (for the rate limits and the Stripe webhook allowlist).
     */
    private List<String> trustedProxies = new ArrayList<>();

    /** Accept POST /webhooks/stripe from Stripe's webhook addresses only (403 address_not_allowed otherwise). */
    private boolean stripeWebhookAllowlist;

    /**
     * A file of Stripe's webhook addresses (one a line, # comments) replacing the list shipped in the jar; needs
     * billing.http.stripe-webhook-allowlist.
     */
    private String stripeWebhookIpsFile;

    /** Largest JSON body in bytes (413 above). */
    private long maxBodyBytes = 1_000_000;

    /** Largest webhook body in bytes. */
    private long maxWebhookBytes = 2_000_000;

    void validate(Errors errors) {
        if (admin.enabled && (adminToken == null || adminToken.length() < 32)) {
            errors.rejectValue(
                    "http.adminToken",
                    "required",
                    "must be at least 32 characters when "
                            + "billing.http.admin.enabled is true (e.g. openssl rand -hex 32)");
        }
        if (userRequestsPerMinute < 0) {
            errors.rejectValue("http.userRequestsPerMinute", "range", "must not be negative");
        }
        if (serviceKeyRequestsPerMinute < 0) {
            errors.rejectValue("http.serviceKeyRequestsPerMinute", "range", "must not be negative");
        }
        if (ipRequestsPerMinute < 0) {
            errors.rejectValue("http.ipRequestsPerMinute", "range", "must not be negative");
        }
        if (guestCheckoutsPerMinute < 0) {
            errors.rejectValue("http.guestCheckoutsPerMinute", "range", "must not be negative");
        }
        if (maxBodyBytes < 1024) {
            errors.rejectValue("http.maxBodyBytes", "range", "must be at least 1024");
        }
        if (maxWebhookBytes < 1024) {
            errors.rejectValue("http.maxWebhookBytes", "range", "must be at least 1024");
        }
        try {
            IpRanges.parse(trustedProxies);
        } catch (IllegalArgumentException e) {
            errors.rejectValue("http.trustedProxies", "invalid", e.getMessage());
        }
        if (stripeWebhookIpsFile != null && !stripeWebhookIpsFile.isBlank()) {
            if (!stripeWebhookAllowlist) {
                errors.rejectValue(
                        "http.stripeWebhookIpsFile",
                        "unused",
                        "is set, but billing.http.stripe-webhook-allowlist is not true");
            } else {
                try {
                    stripeWebhookSources();
                } catch (IOException | IllegalArgumentException e) {
                    errors.rejectValue(
                            "http.stripeWebhookIpsFile",
                            "invalid",
                            e instanceof IOException
                                    ? "cannot be read (" + e.getClass().getSimpleName() + ")"
                                    : e.getMessage());
                }
            }
        }
    }

    /** The allowlist these properties ask for: empty when off, the jar's list, or the file's. */
    IpRanges stripeWebhookSources() throws IOException {
        if (!stripeWebhookAllowlist) {
            return IpRanges.none();
        }
        if (stripeWebhookIpsFile == null || stripeWebhookIpsFile.isBlank()) {
            return StripeWebhookSources.published();
        }
        return StripeWebhookSources.parse(Files.readString(Path.of(stripeWebhookIpsFile), StandardCharsets.UTF_8));
    }

    /** {@code POST /webhooks/stripe}, and {@code POST /webhooks/clerk} with membership sync. */
    public Group getWebhooks() {
        return webhooks;
    }

    /**
     * The user routes: {@code /stripe/**}, {@code /me/**}, {@code /orgs/**}, {@code /usage}, and the guest checkout
     * {@code POST /guest/checkout}.
     */
    public Group getApi() {
        return api;
    }

    /** The admin routes under {@code /admin} (off by default). */
    public Group getAdmin() {
        return admin;
    }

    /** {@code GET /openapi.json}. */
    public Group getOpenapi() {
        return openapi;
    }

    public String getAdminToken() {
        return adminToken;
    }

    public void setAdminToken(String adminToken) {
        this.adminToken = adminToken;
    }

    public boolean isPublicCatalog() {
        return publicCatalog;
    }

    public void setPublicCatalog(boolean publicCatalog) {
        this.publicCatalog = publicCatalog;
    }

    public int getUserRequestsPerMinute() {
        return userRequestsPerMinute;
    }

    public void setUserRequestsPerMinute(int userRequestsPerMinute) {
        this.userRequestsPerMinute = userRequestsPerMinute;
    }

    public int getIpRequestsPerMinute() {
        return ipRequestsPerMinute;
    }

    public void setIpRequestsPerMinute(int ipRequestsPerMinute) {
        this.ipRequestsPerMinute = ipRequestsPerMinute;
    }

    public int getServiceKeyRequestsPerMinute() {
        return serviceKeyRequestsPerMinute;
    }

    public void setServiceKeyRequestsPerMinute(int serviceKeyRequestsPerMinute) {
        this.serviceKeyRequestsPerMinute = serviceKeyRequestsPerMinute;
    }

    public int getGuestCheckoutsPerMinute() {
        return guestCheckoutsPerMinute;
    }

    public void setGuestCheckoutsPerMinute(int guestCheckoutsPerMinute) {
        this.guestCheckoutsPerMinute = guestCheckoutsPerMinute;
    }

    public boolean isTrustForwardedFor() {
        return trustForwardedFor;
    }

    public void setTrustForwardedFor(boolean trustForwardedFor) {
        this.trustForwardedFor = trustForwardedFor;
    }

    public List<String> getTrustedProxies() {
        return trustedProxies;
    }

    public void setTrustedProxies(List<String> trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    public boolean isStripeWebhookAllowlist() {
        return stripeWebhookAllowlist;
    }

    public void setStripeWebhookAllowlist(boolean stripeWebhookAllowlist) {
        this.stripeWebhookAllowlist = stripeWebhookAllowlist;
    }

    public String getStripeWebhookIpsFile() {
        return stripeWebhookIpsFile;
    }

    public void setStripeWebhookIpsFile(String stripeWebhookIpsFile) {
        this.stripeWebhookIpsFile = stripeWebhookIpsFile;
    }

    public long getMaxBodyBytes() {
        return maxBodyBytes;
    }

    public void setMaxBodyBytes(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    public long getMaxWebhookBytes() {
        return maxWebhookBytes;
    }

    public void setMaxWebhookBytes(long maxWebhookBytes) {
        this.maxWebhookBytes = maxWebhookBytes;
    }

    /** A group of routes that can be switched off. */
    public static class Group {
        /** Serve this group of routes. */
        private boolean enabled;

        public Group() {
            this(true);
        }

        Group(boolean enabled) {
            this.enabled = enabled;
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}
