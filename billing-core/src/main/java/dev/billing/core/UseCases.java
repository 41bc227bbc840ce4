package dev.billing.core;

import dev.billing.core.analytics.RevenueAnalytics;
import dev.billing.core.audit.ListAuditTrail;
import dev.billing.core.catalog.ListCatalog;
import dev.billing.core.catalog.ListPromotions;
import dev.billing.core.checkout.DuplicateSubscriptionCheck;
import dev.billing.core.checkout.ListDuplicateSubscriptions;
import dev.billing.core.checkout.RedirectPolicy;
import dev.billing.core.checkout.StartCheckout;
import dev.billing.core.checkout.StartPaymentSheet;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.config.OrgOptions;
import dev.billing.core.customer.EnsureCustomer;
import dev.billing.core.customer.Ownership;
import dev.billing.core.entitlement.EntitlementPolicy;
import dev.billing.core.entitlement.GetEntitlements;
import dev.billing.core.entitlement.GetMemberEntitlements;
import dev.billing.core.gateway.GatewayRetry;
import dev.billing.core.guest.GuestPurchases;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.notice.ListNotices;
import dev.billing.core.notice.NoticeSender;
import dev.billing.core.org.AlignSeats;
import dev.billing.core.org.OrgAccess;
import dev.billing.core.org.SeatFollower;
import dev.billing.core.org.SyncMemberships;
import dev.billing.core.payment.AddPaymentMethod;
import dev.billing.core.payment.GetInvoice;
import dev.billing.core.payment.ListInvoices;
import dev.billing.core.payment.ListPaymentMethods;
import dev.billing.core.payment.ListPurchases;
import dev.billing.core.payment.ListRefunds;
import dev.billing.core.payment.OpenPortal;
import dev.billing.core.payment.PayInvoice;
import dev.billing.core.payment.RefundPayment;
import dev.billing.core.payment.RemovePaymentMethod;
import dev.billing.core.payment.SetDefaultPaymentMethod;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.MembershipStore;
import dev.billing.core.port.MembershipWebhookVerifier;
import dev.billing.core.port.Notifier;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.ProjectionListener;
import dev.billing.core.port.Sleeper;
import dev.billing.core.port.WebhookVerifier;
import dev.billing.core.port.WorkObserver;
import dev.billing.core.privacy.ErasePersonalData;
import dev.billing.core.privacy.ExportPersonalData;
import dev.billing.core.projection.Reconcile;
import dev.billing.core.servicekey.ServiceKeys;
import dev.billing.core.subscription.ApplyPromotionCode;
import dev.billing.core.subscription.CancelSubscription;
import dev.billing.core.subscription.ChangePlan;
import dev.billing.core.subscription.ChangeSeats;
import dev.billing.core.subscription.ListSubscriptions;
import dev.billing.core.subscription.ResumeSubscription;
import dev.billing.core.subscription.SubscriptionChanges;
import dev.billing.core.usage.RecordUsage;
import dev.billing.core.usage.ReportMeterUsage;
import dev.billing.core.webhook.ListInboxEvents;
import dev.billing.core.webhook.ProcessInboxEvent;
import dev.billing.core.webhook.ReceiveMembershipWebhook;
import dev.billing.core.webhook.ReceiveWebhook;
import dev.billing.core.webhook.ReplayEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Every use case, wired once over the same ports. {@link dev.billing.core.Billing} is the friendlier front; this
 * class is for hosts that want the use cases themselves.
 *
 * <p>Usage: {@code UseCases uc = new UseCases(gateway, verifier, stores, catalog, notifier, options, clock, Sleeper.REAL, List.of());}
 */
public final class UseCases {
    private final ListCatalog listCatalog;
    private final ListPromotions listPromotions;
    private final ApplyPromotionCode applyPromotionCode;
    private final EnsureCustomer ensureCustomer;
    private final StartCheckout startCheckout;
    private final StartPaymentSheet startPaymentSheet;
    private final ListSubscriptions listSubscriptions;
    private final ListPurchases listPurchases;
    private final ListRefunds listRefunds;
    private final CancelSubscription cancelSubscription;
    private final ResumeSubscription resumeSubscription;
    private final ChangePlan changePlan;
    private final ChangeSeats changeSeats;
    private final ListInvoices listInvoices;
    private final GetInvoice getInvoice;
    private final PayInvoice payInvoice;
    private final ListPaymentMethods listPaymentMethods;
    private final AddPaymentMethod addPaymentMethod;
    private final RemovePaymentMethod removePaymentMethod;
    private final SetDefaultPaymentMethod setDefaultPaymentMethod;
    private final OpenPortal openPortal;
    private final GetEntitlements getEntitlements;
    private final GetMemberEntitlements getMemberEntitlements;
    private final RecordUsage recordUsage;
    private final ReportMeterUsage reportMeterUsage;
    private final ReceiveWebhook receiveWebhook;
    private final ReceiveMembershipWebhook receiveMembershipWebhook;
    private final AlignSeats alignSeats;
    private final ProcessInboxEvent processInboxEvent;
    private final ReplayEvent replayEvent;
    private final ListInboxEvents listInboxEvents;
    private final ListAuditTrail listAuditTrail;
    private final ServiceKeys serviceKeys;
    private final ListDuplicateSubscriptions listDuplicateSubscriptions;
    private final ListNotices listNotices;
    private final Reconcile reconcile;
    private final RefundPayment refundPayment;
    private final EntitlementPolicy entitlementPolicy;
    private final RedirectPolicy redirectPolicy;
    private final OrgAccess orgAccess;
    private final ExportPersonalData exportPersonalData;
    private final ErasePersonalData erasePersonalData;
    private final GuestPurchases guestPurchases;
    private final RevenueAnalytics revenueAnalytics;

    /**
     * @param listeners told after any change to a customer's projection, in addition to the entitlement cache
     */
    public UseCases(
            PaymentGateway gateway,
            WebhookVerifier verifier,
            BillingStores stores,
            PlanCatalog catalog,
            Notifier notifier,
            BillingOptions options,
            Clock clock,
            Sleeper sleeper,
            List<ProjectionListener> listeners) {
        this(
                gateway,
                verifier,
                null,
                stores,
                catalog,
                notifier,
                options,
                OrgOptions.defaults(),
                clock,
                sleeper,
                listeners);
    }

    /**
     * @param membershipVerifier Clerk's webhook verifier, required when {@code orgs} turns membership sync on (and
     *                           used only then)
     * @param orgs               who may manage an organization's billing, and membership sync
     * @param listeners          told after any change to a customer's projection, in addition to the entitlement
     *                           cache
     * @throws IllegalArgumentException membership sync on without a verifier or with stores that keep no memberships
     */
    public UseCases(
            PaymentGateway gateway,
            WebhookVerifier verifier,
            MembershipWebhookVerifier membershipVerifier,
            BillingStores stores,
            PlanCatalog catalog,
            Notifier notifier,
            BillingOptions options,
            OrgOptions orgs,
            Clock clock,
            Sleeper sleeper,
            List<ProjectionListener> listeners) {
        this(
                gateway,
                verifier,
                membershipVerifier,
                stores,
                catalog,
                notifier,
                options,
                orgs,
                clock,
                clock,
                sleeper,
                listeners);
    }

    /**
     * @param clock     the billing clock: trials, periods, grace, quotas, how long cached answers live
     * @param workClock times this process's own work on the inbox (its leases, retries and receipts); a billing
     *                  clock that can jump (local mode advances the emulator's) must not end the lease of an event
     *                  being processed, or a redelivery or the worker processes it a second time
     * @see #UseCases(PaymentGateway, WebhookVerifier, MembershipWebhookVerifier, BillingStores, PlanCatalog,
     *      Notifier, BillingOptions, OrgOptions, Clock, Sleeper, List)
     */
    public UseCases(
            PaymentGateway gateway,
            WebhookVerifier verifier,
            MembershipWebhookVerifier membershipVerifier,
            BillingStores stores,
            PlanCatalog catalog,
            Notifier notifier,
            BillingOptions options,
            OrgOptions orgs,
            Clock clock,
            Clock workClock,
            Sleeper sleeper,
            List<ProjectionListener> listeners) {
        this(
                gateway,
                verifier,
                membershipVerifier,
                stores,
                catalog,
                notifier,
                options,
                orgs,
                clock,
                workClock,
                sleeper,
                listeners,
                WorkObserver.NONE);
    }

    /**
     * @param observer told what the work did that a metric counts (a duplicate subscription found)
     * @see #UseCases(PaymentGateway, WebhookVerifier, MembershipWebhookVerifier, BillingStores, PlanCatalog,
     *      Notifier, BillingOptions, OrgOptions, Clock, Clock, Sleeper, List)
     */
    public UseCases(
            PaymentGateway gateway,
            WebhookVerifier verifier,
            MembershipWebhookVerifier membershipVerifier,
            BillingStores stores,
            PlanCatalog catalog,
            Notifier notifier,
            BillingOptions options,
            OrgOptions orgs,
            Clock clock,
            Clock workClock,
            Sleeper sleeper,
            List<ProjectionListener> listeners,
            WorkObserver observer) {
        Objects.requireNonNull(observer, "observer");
        Objects.requireNonNull(workClock, "workClock");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(verifier, "verifier");
        Objects.requireNonNull(stores, "stores");
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(notifier, "notifier");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(sleeper, "sleeper");
        GatewayRetry retry = new GatewayRetry(
                clock, sleeper, options.gatewayAttempts(), options.gatewayBudget(), options.gatewayBackoff());
        this.entitlementPolicy = new EntitlementPolicy(catalog, options.pastDueGrace());
        this.redirectPolicy = RedirectPolicy.of(options.allowedOrigins(), options.requireHttps());
        Objects.requireNonNull(orgs, "orgs");
        if (orgs.membershipSync() && membershipVerifier == null) {
            throw new IllegalArgumentException("membership sync needs Clerk's webhook verifier (its signing secret)");
        }
        if (orgs.membershipSync() && stores.memberships() == MembershipStore.NONE) {
            throw new IllegalArgumentException("membership sync needs stores that keep organization memberships");
        }
        // An organization's known member count (seats used, the floor of seat changes): known with sync on.
        SyncMemberships[] sync = new SyncMemberships[1];
        Function<UserId, OptionalLong> members =
                account -> sync[0] == null ? OptionalLong.empty() : sync[0].members(account);
        this.getEntitlements = new GetEntitlements(
                stores.customers(),
                stores.subscriptions(),
                stores.usage(),
                entitlementPolicy,
                members,
                clock,
                options.entitlementsCacheTtl());
        this.getMemberEntitlements = new GetMemberEntitlements(getEntitlements, catalog);
        List<ProjectionListener> all = new ArrayList<>();
        all.add(getEntitlements);
        all.addAll(listeners);
        ProjectionListener listener = customerId -> all.forEach(l -> l.projectionChanged(customerId));
        Ownership ownership = new Ownership(stores.customers(), stores.subscriptions(), gateway, retry);
        SubscriptionChanges changes = new SubscriptionChanges(gateway, stores.subscriptions(), listener, retry);

        this.listCatalog = new ListCatalog(gateway, clock, options.catalogTtl(), options.catalogMaxStale());
        this.listPromotions =
                new ListPromotions(gateway, catalog, clock, options.catalogTtl(), options.catalogMaxStale());
        this.applyPromotionCode = new ApplyPromotionCode(ownership, gateway, changes, retry);
        this.ensureCustomer = new EnsureCustomer(gateway, stores.customers(), retry, clock);
        this.startCheckout = new StartCheckout(
                gateway,
                stores.subscriptions(),
                ensureCustomer,
                entitlementPolicy,
                catalog,
                redirectPolicy,
                options,
                retry,
                clock);
        this.startPaymentSheet = new StartPaymentSheet(
                gateway, stores.subscriptions(), ensureCustomer, entitlementPolicy, catalog, options, retry, clock);
        this.listSubscriptions = new ListSubscriptions(ownership, stores.subscriptions());
        this.listPurchases = new ListPurchases(ownership, stores.subscriptions());
        this.listRefunds = new ListRefunds(ownership, stores.subscriptions());
        this.cancelSubscription = new CancelSubscription(ownership, gateway, changes, retry);
        this.resumeSubscription = new ResumeSubscription(ownership, gateway, changes, retry);
        this.changePlan = new ChangePlan(ownership, gateway, catalog, changes, retry);
        this.changeSeats = new ChangeSeats(
                stores.customers(),
                stores.subscriptions(),
                gateway,
                entitlementPolicy,
                members,
                orgs.autoSeats(),
                changes,
                retry,
                clock);
        if (orgs.membershipSync()) {
            SeatFollower seats =
                    new SeatFollower(stores, gateway, entitlementPolicy, listener, retry, workClock, sleeper);
            sync[0] = new SyncMemberships(
                    membershipVerifier,
                    stores.memberships(),
                    stores.customers(),
                    stores.inbox(),
                    stores.audit(),
                    listener,
                    seats,
                    orgs.autoSeats());
            this.alignSeats = orgs.autoSeats()
                    ? new AlignSeats(stores.memberships(), stores.customers(), seats, options.retrySchedule())
                    : null;
        } else {
            this.alignSeats = null;
        }
        this.listInvoices = new ListInvoices(ownership, gateway, retry);
        this.getInvoice = new GetInvoice(ownership);
        this.payInvoice = new PayInvoice(ownership, gateway, stores.subscriptions(), listener, retry);
        this.listPaymentMethods = new ListPaymentMethods(ownership, gateway, retry);
        this.addPaymentMethod = new AddPaymentMethod(ensureCustomer, gateway, retry);
        this.removePaymentMethod = new RemovePaymentMethod(ownership, gateway, retry);
        this.setDefaultPaymentMethod = new SetDefaultPaymentMethod(ownership, gateway, retry);
        this.openPortal = new OpenPortal(ownership, gateway, redirectPolicy, options, retry);
        this.recordUsage = new RecordUsage(
                stores.customers(), stores.subscriptions(), stores.usage(), entitlementPolicy, getEntitlements, clock);
        this.reportMeterUsage = new ReportMeterUsage(gateway, stores.usage(), options.retrySchedule(), clock);
        NoticeSender notices = new NoticeSender(
                stores.customers(),
                gateway,
                listener,
                stores.inbox(),
                notifier,
                stores.notices(),
                sleeper,
                clock,
                workClock,
                options.inboxLease());
        this.guestPurchases = new GuestPurchases(
                gateway,
                stores.guests(),
                listener,
                ensureCustomer,
                getEntitlements,
                catalog,
                redirectPolicy,
                options,
                retry,
                clock);
        this.processInboxEvent = new ProcessInboxEvent(
                verifier,
                gateway,
                stores.customers(),
                stores.subscriptions(),
                stores.inbox(),
                notices,
                catalog,
                listCatalog,
                listPromotions,
                listener,
                options,
                sync[0],
                guestPurchases,
                stores.audit(),
                new DuplicateSubscriptionCheck(
                        gateway,
                        stores.subscriptions(),
                        stores.audit(),
                        listener,
                        observer,
                        options.duplicateSubscriptions()),
                clock,
                workClock,
                observer);
        this.receiveWebhook = new ReceiveWebhook(
                verifier, stores.inbox(), processInboxEvent, options.inlinePermits(), options.inboxLease(), workClock);
        this.receiveMembershipWebhook = sync[0] == null
                ? null
                : new ReceiveMembershipWebhook(
                        membershipVerifier, stores.inbox(), processInboxEvent, options.inboxLease(), workClock);
        this.replayEvent = new ReplayEvent(stores.inbox(), processInboxEvent, stores.audit(), workClock);
        this.listInboxEvents = new ListInboxEvents(stores.inbox());
        this.listAuditTrail = new ListAuditTrail(stores.audit());
        this.serviceKeys =
                new ServiceKeys(stores.serviceKeys(), stores.audit(), workClock); // real time, also in local mode
        this.listDuplicateSubscriptions =
                new ListDuplicateSubscriptions(stores.audit(), stores.subscriptions(), stores.customers());
        this.listNotices = new ListNotices(stores.notices());
        this.reconcile =
                new Reconcile(gateway, stores.customers(), stores.subscriptions(), listener, stores.audit(), retry);
        this.refundPayment = new RefundPayment(gateway, stores.audit(), retry);
        this.orgAccess = new OrgAccess(orgs);
        this.exportPersonalData = new ExportPersonalData(stores, clock);
        this.revenueAnalytics = new RevenueAnalytics(stores.analytics(), catalog, clock);
        this.erasePersonalData = new ErasePersonalData(stores, gateway, listener, getEntitlements, retry);
    }

    public ListCatalog listCatalog() {
        return listCatalog;
    }

    public ListPromotions listPromotions() {
        return listPromotions;
    }

    public ApplyPromotionCode applyPromotionCode() {
        return applyPromotionCode;
    }

    public EnsureCustomer ensureCustomer() {
        return ensureCustomer;
    }

    public StartCheckout startCheckout() {
        return startCheckout;
    }

    public StartPaymentSheet startPaymentSheet() {
        return startPaymentSheet;
    }

    public ListSubscriptions listSubscriptions() {
        return listSubscriptions;
    }

    /** The figures computed at each call; {@link Billing#analytics()} keeps them. */
    public RevenueAnalytics revenueAnalytics() {
        return revenueAnalytics;
    }

    public ListPurchases listPurchases() {
        return listPurchases;
    }

    public ListRefunds listRefunds() {
        return listRefunds;
    }

    public CancelSubscription cancelSubscription() {
        return cancelSubscription;
    }

    public ResumeSubscription resumeSubscription() {
        return resumeSubscription;
    }

    public ChangePlan changePlan() {
        return changePlan;
    }

    public ListInvoices listInvoices() {
        return listInvoices;
    }

    public GetInvoice getInvoice() {
        return getInvoice;
    }

    public PayInvoice payInvoice() {
        return payInvoice;
    }

    public ListPaymentMethods listPaymentMethods() {
        return listPaymentMethods;
    }

    public AddPaymentMethod addPaymentMethod() {
        return addPaymentMethod;
    }

    public RemovePaymentMethod removePaymentMethod() {
        return removePaymentMethod;
    }

    public SetDefaultPaymentMethod setDefaultPaymentMethod() {
        return setDefaultPaymentMethod;
    }

    public OpenPortal openPortal() {
        return openPortal;
    }

    public GuestPurchases guestPurchases() {
        return guestPurchases;
    }

    public ErasePersonalData erasePersonalData() {
        return erasePersonalData;
    }

    public ExportPersonalData exportPersonalData() {
        return exportPersonalData;
    }

    public GetMemberEntitlements getMemberEntitlements() {
        return getMemberEntitlements;
    }

    public GetEntitlements getEntitlements() {
        return getEntitlements;
    }

    public RecordUsage recordUsage() {
        return recordUsage;
    }

    public ReportMeterUsage reportMeterUsage() {
        return reportMeterUsage;
    }

    public ReceiveWebhook receiveWebhook() {
        return receiveWebhook;
    }

    public ProcessInboxEvent processInboxEvent() {
        return processInboxEvent;
    }

    public ReplayEvent replayEvent() {
        return replayEvent;
    }

    public ListInboxEvents listInboxEvents() {
        return listInboxEvents;
    }

    /** The audit trail (admin). */
    public ServiceKeys serviceKeys() {
        return serviceKeys;
    }

    public ListAuditTrail listAuditTrail() {
        return listAuditTrail;
    }

    public ListDuplicateSubscriptions listDuplicateSubscriptions() {
        return listDuplicateSubscriptions;
    }

    /** The notice log (admin). */
    public ListNotices listNotices() {
        return listNotices;
    }

    public Reconcile reconcile() {
        return reconcile;
    }

    /** Clerk's membership webhooks; empty while membership sync is off. */
    public Optional<ReceiveMembershipWebhook> receiveMembershipWebhook() {
        return Optional.ofNullable(receiveMembershipWebhook);
    }

    /** Aligning every organization's seats with its members; empty unless auto-seats are on. */
    public Optional<AlignSeats> alignSeats() {
        return Optional.ofNullable(alignSeats);
    }

    public ChangeSeats changeSeats() {
        return changeSeats;
    }

    /** Acting for an organization's billing account. */
    public OrgAccess orgAccess() {
        return orgAccess;
    }

    public RefundPayment refundPayment() {
        return refundPayment;
    }

    public EntitlementPolicy entitlementPolicy() {
        return entitlementPolicy;
    }

    public RedirectPolicy redirectPolicy() {
        return redirectPolicy;
    }
}
