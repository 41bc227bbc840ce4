package dev.billing.emulator.http;

import dev.billing.emulator.resource.Catalog;
import dev.billing.emulator.resource.Checkout;
import dev.billing.emulator.resource.Customers;
import dev.billing.emulator.resource.EphemeralKeys;
import dev.billing.emulator.resource.Invoices;
import dev.billing.emulator.resource.Misc;
import dev.billing.emulator.resource.Payments;
import dev.billing.emulator.resource.PortalConfigurations;
import dev.billing.emulator.resource.Refunds;
import dev.billing.emulator.resource.Subscriptions;
import dev.billing.emulator.resource.Usage;
import dev.billing.emulator.service.CardCharges;
import dev.billing.emulator.service.CustomerAccounts;
import dev.billing.emulator.service.Discounts;
import dev.billing.emulator.service.InvoiceLines;
import dev.billing.emulator.service.Invoicing;
import dev.billing.emulator.service.Products;
import dev.billing.emulator.service.Renewals;
import dev.billing.emulator.service.SubscriptionItems;
import dev.billing.emulator.service.SubscriptionLifecycle;
import dev.billing.emulator.service.SubscriptionUpdates;
import dev.billing.emulator.service.TimeEffects;
import dev.billing.emulator.state.EmulatorState;

/**
 * Every Stripe resource of the emulator and the services they share, built once: the only place
 * that knows the whole graph. The services come first, each taking only services built before it
 * (products, accounts, items, discounts, lines and card charges; then invoicing, renewals, the
 * subscription lifecycle and updates); then the resources, which take services and never each other.
 */
final class ApiResources {
    private final Products products;
    private final CustomerAccounts accounts;
    private final Catalog catalog;
    private final Customers customers;
    private final Subscriptions subscriptions;
    private final Invoices invoices;
    private final Payments payments;
    private final EphemeralKeys ephemeralKeys;
    private final Refunds refunds;
    private final Checkout checkout;
    private final Misc misc;
    private final PortalConfigurations portal;
    private final Usage usage;
    private final TimeEffects time;

    ApiResources(EmulatorState state) {
        this.products = new Products(state);
        this.accounts = new CustomerAccounts(state);
        SubscriptionItems items = new SubscriptionItems(state, products);
        Discounts discounts = new Discounts(state);
        InvoiceLines lines = new InvoiceLines(state, products);
        CardCharges charges = new CardCharges(state);
        Invoicing invoicing = new Invoicing(state, discounts, charges);
        Renewals renewals = new Renewals(state, lines, invoicing);
        SubscriptionLifecycle lifecycle = new SubscriptionLifecycle(state, items, lines, invoicing, charges, accounts);
        SubscriptionUpdates updates =
                new SubscriptionUpdates(state, items, lines, invoicing, renewals, products, discounts);
        this.time = new TimeEffects(state, lifecycle, renewals);

        this.catalog = new Catalog(state, products);
        this.customers = new Customers(state, accounts, lifecycle);
        this.subscriptions = new Subscriptions(state, items, discounts, lifecycle, updates);
        this.invoices = new Invoices(state, invoicing, charges, accounts);
        this.payments = new Payments(state, charges, invoicing, accounts);
        this.ephemeralKeys = new EphemeralKeys(state);
        this.refunds = new Refunds(state);
        this.checkout = new Checkout(state, accounts, products, items, discounts, lifecycle, charges);
        this.misc = new Misc(state);
        this.portal = new PortalConfigurations(state);
        this.usage = new Usage(state);
    }

    /** Registers every {@code /v1} route. */
    void register(Router router) {
        catalog.register(router);
        customers.register(router);
        subscriptions.register(router);
        invoices.register(router);
        payments.register(router);
        ephemeralKeys.register(router);
        refunds.register(router);
        checkout.register(router);
        misc.register(router);
        portal.register(router);
        usage.register(router);
    }

    Payments payments() {
        return payments;
    }

    Products products() {
        return products;
    }

    Catalog catalog() {
        return catalog;
    }

    CustomerAccounts accounts() {
        return accounts;
    }

    Customers customers() {
        return customers;
    }

    Checkout checkout() {
        return checkout;
    }

    Misc misc() {
        return misc;
    }

    /** What moving the clock does to subscriptions and checkout sessions. */
    TimeEffects time() {
        return time;
    }
}
