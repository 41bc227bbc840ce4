package dev.billing.spring;

import java.util.List;

/**
 * The billing routes this application serves (path templates such as {@code /stripe/invoices/{id}}). They
 * authenticate their own callers, so an application's security rules should let them through: the default
 * security configuration does, and {@link BillingSecurity#billingRoutes()} matches them for the application's own.
 */
public final class BillingRoutes {
    private final BillingHandlerMapping mapping;

    BillingRoutes(BillingHandlerMapping mapping) {
        this.mapping = mapping;
    }

    /** The served path templates, each once. */
    public List<String> paths() {
        return mapping.paths();
    }

    BillingHandlerMapping mapping() {
        return mapping;
    }
}
