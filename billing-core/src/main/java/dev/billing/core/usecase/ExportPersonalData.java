package dev.billing.core.usecase;

import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.InboxEntry;
import dev.billing.core.model.Invoice;
import dev.billing.core.model.PaymentRefund;
import dev.billing.core.model.PersonalData;
import dev.billing.core.model.Purchase;
import dev.billing.core.model.Subscription;
import dev.billing.core.model.UserId;
import dev.billing.core.port.BillingStores;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Collects everything the local store holds about one account, for the account holder ("give me my data") or an
 * admin. Reads the local store only: what Stripe itself holds is Stripe's to export (its dashboard and API).
 *
 * <p>Usage: {@code PersonalData data = exportPersonalData.export(UserId.of("user_2abc"));}
 */
public final class ExportPersonalData {
    /** The most webhook events an export carries (the newest); the rest are counted as truncated. */
    public static final int MAX_EVENTS = 1_000;

    private final BillingStores stores;
    private final Clock clock;

    ExportPersonalData(BillingStores stores, Clock clock) {
        this.stores = stores;
        this.clock = clock;
    }

    public PersonalData export(UserId user) {
        Optional<CustomerLink> link = stores.customers().findByUserId(user);
        List<Subscription> subscriptions = link.map(l -> stores.subscriptions().subscriptionsOf(l.customerId()))
                .orElse(List.of());
        List<Invoice> invoices = link.map(l -> stores.subscriptions().invoicesOf(l.customerId())).orElse(List.of());
        List<Purchase> purchases = link.map(l -> stores.subscriptions().purchasesOf(l.customerId()))
                .orElse(List.of());
        List<PaymentRefund> refunds = link.map(l -> stores.subscriptions().refundsOf(l.customerId()))
                .orElse(List.of());
        Set<String> objects = new LinkedHashSet<>();
        link.ifPresent(l -> objects.add(l.customerId().value()));
        subscriptions.forEach(s -> objects.add(s.id()));
        invoices.forEach(i -> objects.add(i.id()));
        purchases.forEach(p -> objects.add(p.id()));
        // refund.* events name the refund, charge.refunded the charge.
        refunds.forEach(r -> {
            objects.add(r.id());
            if (r.chargeId() != null) {
                objects.add(r.chargeId());
            }
        });
        // One more than shown tells whether there were more.
        List<InboxEntry> events = objects.isEmpty() ? List.of() : stores.inbox().about(objects, MAX_EVENTS + 1);
        boolean truncated = events.size() > MAX_EVENTS;
        return new PersonalData(user, clock.instant(), link.orElse(null), subscriptions, invoices, purchases,
                stores.usage().countersOf(user), stores.memberships().ofUser(user),
                truncated ? events.subList(0, MAX_EVENTS) : events, truncated, stores.guests().claimedBy(user),
                refunds, stores.notices().forUser(user), invoices.isEmpty() ? List.of()
                        : stores.subscriptions().invoicePaymentsOf(invoices.stream().map(Invoice::id).toList()));
    }
}
