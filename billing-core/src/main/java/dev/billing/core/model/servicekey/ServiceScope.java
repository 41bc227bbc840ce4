package dev.billing.core.model.servicekey;

import java.util.Optional;

/**
 * What a service key may do, route by route (docs/AUTHENTICATION.md, "Service keys", maps each route to its scope).
 * A key acts for one user or organization per request, which it names; admin routes never accept a key.
 */
public enum ServiceScope {
    /** Read a party's entitlements and usage ({@code GET /me/entitlements}, {@code GET /usage}). */
    ENTITLEMENTS_READ("entitlements:read"),
    /** Record usage against a party's quota ({@code POST /usage}). */
    USAGE_WRITE("usage:write"),
    /** Create a party's Stripe customer ({@code POST /stripe/customer}). */
    CUSTOMERS_WRITE("customers:write"),
    /** Start Checkout and open the billing portal for a party ({@code POST /stripe/checkout}, {@code /stripe/portal}). */
    CHECKOUT_WRITE("checkout:write");

    private final String wireName;

    ServiceScope(String wireName) {
        this.wireName = wireName;
    }

    /** {@code usage:write}, ...: how keys, the CLI and the API name it. */
    public String wireName() {
        return wireName;
    }

    public static Optional<ServiceScope> parse(String text) {
        for (ServiceScope scope : values()) {
            if (scope.wireName.equals(text)) {
                return Optional.of(scope);
            }
        }
        return Optional.empty();
    }
}
