package dev.billing.core.privacy;

import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.audit.AuditQuery;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.privacy.PersonalData;
import dev.billing.core.model.usage.MeterReport;
import dev.billing.core.port.BillingStores;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects everything the local store holds about one account, for the account holder ("give me my data") or an
 * admin: every row of every table that refers to it, and every stored event of both webhook sources about it (found
 * as {@link ErasePersonalData} finds them). Reads the local store only: what Stripe itself holds is Stripe's to
 * export (its dashboard and API).
 *
 * <p>Usage: {@code PersonalData data = exportPersonalData.export(UserId.of("user_2abc"));}
 */
public final class ExportPersonalData {
    /** The most webhook events an export carries (the newest); the rest are counted as truncated. */
    public static final int MAX_EVENTS = 1_000;

    private final BillingStores stores;
    private final Clock clock;

    public ExportPersonalData(BillingStores stores, Clock clock) {
        this.stores = stores;
        this.clock = clock;
    }

    public PersonalData export(UserId user) {
        return export(user, null);
    }

    /**
     * The same, with an address known to be the account holder's ({@link dev.billing.core.model.Identity#verifiedEmail}
     * for the holder's own request, or one an admin gives): the unclaimed guest purchases paid with it, and their
     * events, are the account's too.
     */
    public PersonalData export(UserId user, String email) {
        CustomerLink link = stores.customers().findByUserId(user).orElse(null);
        List<CustomerLink> retired = stores.customers().retiredOf(user);
        AccountRecords records = AccountRecords.read(stores, user, link, retired, email);
        // One more than shown tells whether there were more.
        List<InboxEntry> events = stores.inbox().about(records.subjects(), MAX_EVENTS + 1);
        boolean truncated = events.size() > MAX_EVENTS;
        return new PersonalData(
                user,
                clock.instant(),
                link,
                records.subscriptions(),
                records.invoices(),
                records.purchases(),
                stores.usage().countersOf(user),
                stores.memberships().ofUser(user),
                truncated ? events.subList(0, MAX_EVENTS) : events,
                truncated,
                records.guestPurchases(),
                records.refunds(),
                stores.notices().forUser(user),
                records.invoicePayments(),
                stores.usage().keysOf(user),
                meterReports(records.links()),
                audit(user, retired),
                retired);
    }

    private List<MeterReport> meterReports(List<CustomerLink> links) {
        List<MeterReport> reports = new ArrayList<>();
        links.forEach(l -> reports.addAll(stores.usage().reportsOf(l.customerId())));
        return reports;
    }

    /** Every audit entry naming the account or its customer, or one of its customers deleted at Stripe, newest first. */
    private List<AuditEntry> audit(UserId user, List<CustomerLink> retired) {
        Map<Long, AuditEntry> entries = new TreeMap<>(Comparator.reverseOrder());
        List<AuditQuery> queries = new ArrayList<>();
        queries.add(AuditQuery.all(AuditQuery.MAX_LIMIT).withUser(user));
        retired.forEach(l -> queries.add(AuditQuery.all(AuditQuery.MAX_LIMIT).withCustomer(l.customerId())));
        for (AuditQuery first : queries) {
            AuditQuery query = first;
            Page<AuditEntry> page;
            do {
                page = stores.audit().list(query);
                page.items().forEach(e -> entries.put(e.id(), e));
                query = query.after(page.nextCursor());
            } while (page.nextCursor() != null);
        }
        return new ArrayList<>(entries.values());
    }
}
