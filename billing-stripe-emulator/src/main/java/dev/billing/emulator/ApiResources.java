package dev.billing.emulator;

import dev.billing.emulator.state.EmulatorState;

/**
 * Every Stripe resource of the emulator, built once with its collaborators. The billing classes
 * depend on each other in one direction only (items, discounts, lines and card charges first, then
 * invoices, renewals, updates, subscriptions and the clock's effects), so the order below is the
 * only place that knows the whole graph.
 */
final class ApiResources {
  private final Catalog catalog;
  private final Customers customers;
  private final Subscriptions subscriptions;
  private final Invoices invoices;
  private final Payments payments;
  private final Refunds refunds;
  private final Checkout checkout;
  private final Misc misc;
  private final PortalConfigurations portal;
  private final Usage usage;
  private final TimeEffects time;

  ApiResources(EmulatorState state) {
    this.catalog = new Catalog(state);
    this.customers = new Customers(state);
    SubscriptionItems items = new SubscriptionItems(state, catalog);
    Discounts discounts = new Discounts(state, catalog);
    InvoiceLines lines = new InvoiceLines(state, catalog);
    CardCharges charges = new CardCharges(state);
    this.invoices = new Invoices(state, discounts, charges, customers);
    Renewals renewals = new Renewals(state, lines, invoices);
    SubscriptionUpdates updates = new SubscriptionUpdates(state, items, lines, invoices, renewals, catalog,
        discounts);
    this.subscriptions = new Subscriptions(state, items, discounts, lines, invoices, charges, updates);
    this.customers.subscriptions(subscriptions);
    this.payments = new Payments(state, charges, invoices);
    this.refunds = new Refunds(state);
    this.checkout = new Checkout(state, customers, catalog, items, discounts, subscriptions, charges);
    this.misc = new Misc(state);
    this.portal = new PortalConfigurations(state);
    this.usage = new Usage(state);
    this.time = new TimeEffects(state, subscriptions, renewals);
  }

  /** Registers every {@code /v1} route. */
  void register(Router router) {
    catalog.register(router);
    customers.register(router);
    subscriptions.register(router);
    invoices.register(router);
    payments.register(router);
    refunds.register(router);
    checkout.register(router);
    misc.register(router);
    portal.register(router);
    usage.register(router);
  }

  Catalog catalog() {
    return catalog;
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
