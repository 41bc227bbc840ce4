package dev.billing.core.model.subscription;

import dev.billing.core.model.Checks;

/** A Stripe customer-portal session: where to send the user. */
public record PortalSession(String id, String url) {
    public PortalSession {
        Checks.text(id, "id");
        Checks.text(url, "url");
    }
}
