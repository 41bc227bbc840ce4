package dev.billing.spring;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.validation.Errors;

/** Stripe: the secret key, the webhook endpoint's signing secrets, and another API base (the emulator). */
public class BillingStripeProperties {
    private static final Pattern SECRET_KEY = Pattern.compile("(sk|rk)_(live|test)_[A-Za-z0-9_]+");
    private static final Pattern WEBHOOK_SECRET = Pattern.compile("whsec_[A-Za-z0-9_]+");

    /** The secret (sk_live_..., sk_test_...) or restricted (rk_...) key. */
    private String secretKey;

    /** The webhook endpoint's signing secrets (whsec_...); several during a rotation. */
    private List<String> webhookSecrets = new ArrayList<>();

    /** Another API base than Stripe's, e.g. the Stripe emulator in tests. */
    private URI apiBase;

    /**
     * The most Stripe requests per second this application sends (0: no limit); unset: 80 with a live key and 20
     * with a test key on Stripe's API, no limit on another API base.
     */
    private Integer requestsPerSecond;

    /** The publishable key (pk_live_..., pk_test_...) returned with each mobile PaymentSheet; unset: left out. */
    private String publishableKey;

    void validate(Errors errors) {
        if (publishableKey != null
                && !publishableKey.isBlank()
                && !publishableKey.strip().startsWith("pk_")) {
            errors.rejectValue(
                    "stripe.publishableKey", "invalid", "must be a publishable key (pk_live_... or pk_test_...)");
        }
        if (secretKey == null || secretKey.isBlank()) {
            errors.rejectValue(
                    "stripe.secretKey",
                    "required",
                    "is required: your Stripe secret key " + "(sk_live_... or sk_test_...)");
        } else if (!SECRET_KEY.matcher(secretKey.strip()).matches()) {
            BillingProperties.rejectSecret(
                    errors,
                    "stripe.secretKey",
                    "is not a Stripe secret key (expected sk_live_..., sk_test_... or rk_...)");
        }
        if (webhookSecrets.isEmpty()) {
            errors.rejectValue(
                    "stripe.webhookSecrets",
                    "required",
                    "is required: the webhook endpoint's signing secret (whsec_...)");
        }
        for (int i = 0; i < webhookSecrets.size(); i++) {
            String secret = webhookSecrets.get(i);
            if (secret == null || !WEBHOOK_SECRET.matcher(secret.strip()).matches()) {
                BillingProperties.rejectSecret(
                        errors,
                        "stripe.webhookSecrets[" + i + "]",
                        "must be a webhook signing secret starting with whsec_");
            }
        }
        if (apiBase != null && (apiBase.getScheme() == null || apiBase.getHost() == null)) {
            errors.rejectValue("stripe.apiBase", "invalid", "must be an http(s) URL");
        }
        if (requestsPerSecond != null && (requestsPerSecond < 0 || requestsPerSecond > 100_000)) {
            errors.rejectValue(
                    "stripe.requestsPerSecond", "invalid", "must be 0 (no limit) to 100000 requests per second");
        }
    }

    public String getPublishableKey() {
        return publishableKey;
    }

    public void setPublishableKey(String publishableKey) {
        this.publishableKey = publishableKey;
    }

    public Integer getRequestsPerSecond() {
        return requestsPerSecond;
    }

    public void setRequestsPerSecond(Integer requestsPerSecond) {
        this.requestsPerSecond = requestsPerSecond;
    }

    public String getSecretKey() {
        return secretKey;
    }

    public void setSecretKey(String secretKey) {
        this.secretKey = secretKey;
    }

    public List<String> getWebhookSecrets() {
        return webhookSecrets;
    }

    public void setWebhookSecrets(List<String> webhookSecrets) {
        this.webhookSecrets = webhookSecrets;
    }

    public URI getApiBase() {
        return apiBase;
    }

    public void setApiBase(URI apiBase) {
        this.apiBase = apiBase;
    }

    @Override
    public String toString() {
        return "BillingStripeProperties{secretKey=" + (secretKey == null ? "unset" : secretKey.length() + " chars")
                + ", webhookSecrets=" + webhookSecrets.size() + ", apiBase=" + apiBase + "}";
    }
}
