package dev.billing.supabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.billing.core.error.StoreException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Page;
import dev.billing.core.model.UpsertResult;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoicePayment;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.port.SubscriptionStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@link SubscriptionStore} on {@code billing_subscriptions}, {@code billing_invoices}, {@code billing_purchases}
 * and {@code billing_refunds}. The watermark upserts are the functions {@code billing_upsert_subscription},
 * {@code billing_upsert_invoice} and {@code billing_upsert_refund} (insert, or update iff strictly newer, and say
 * which: one transaction); purchases and invoice payments ({@code billing_invoice_payments})
 * are one insert with {@code resolution=ignore-duplicates}. Erasure is {@code billing_subscriptions_pseudonymise}
 * (008): only the {@code user_id} key of the metadata changes, the version stays.
 */
final class SupabaseSubscriptionStore implements SubscriptionStore {
    static final String SUBSCRIPTIONS = "billing_subscriptions";
    static final String INVOICES = "billing_invoices";
    static final String PURCHASES = "billing_purchases";
    static final String REFUNDS = "billing_refunds";
    /** Payment intents named in one {@code in.(...)} filter, to keep the URL short. */
    private static final int INTENTS_PER_READ = 100;

    static final String INVOICE_PAYMENTS = "billing_invoice_payments";
    private static final String INVOICE_PAYMENT_COLUMNS = "invoice_id,payment_intent_id";
    private static final String INVOICE_PAYMENT_ORDER = "invoice_id.asc,payment_intent_id.asc";
    /** Invoice ids per request reading their payments: the URL stays short. */
    private static final int IDS_PER_REQUEST = 100;

    private static final String SUBSCRIPTION_COLUMNS = "id,customer_id,status,price_id,quantity,current_period_start,"
            + "current_period_end,cancel_at_period_end,cancel_at,canceled_at,ended_at,trial_start,trial_end,created,"
            + "metadata,version,currency,unit_amount,recurring_interval,interval_count,percent_off,amount_off,"
            + "amount_off_currency,past_due_since";
    private static final String INVOICE_COLUMNS = "id,customer_id,subscription_id,status,number,currency,amount_due,"
            + "amount_paid,amount_remaining,tax,hosted_invoice_url,invoice_pdf,billing_reason,period_start,period_end,"
            + "created,version";
    private static final String PURCHASE_COLUMNS =
            "id,customer_id,price_id,quantity,currency,amount_total," + "payment_intent_id,purchased_at";
    private static final String REFUND_COLUMNS =
            "id,customer_id,charge_id,payment_intent_id,amount,currency,status," + "reason,created,version";
    /** Rows per request when reading everything of one customer. */
    private static final int CHUNK = 500;

    private final PostgrestClient client;

    SupabaseSubscriptionStore(PostgrestClient client) {
        this.client = client;
    }

    @Override
    public UpsertResult upsertSubscription(Subscription subscription) {
        return upsertSubscription(subscription, null);
    }

    /** 011's triggers audit what the upsert changes with the cause the request carries. */
    @Override
    public UpsertResult upsertSubscription(Subscription subscription, AuditCause cause) {
        ObjectNode args = Rows.object();
        args.set("p_subscription", ProjectionRows.toRow(subscription));
        // Idempotent by construction (a repeat is SAME_VERSION, and audits nothing), so it may be retried.
        return upsertResult(client.rpc("billing_upsert_subscription", args)
                .cause(text(cause))
                .retryable()
                .send()
                .json());
    }

    @Override
    public Optional<Subscription> findSubscription(String subscriptionId) {
        return first(
                client.get(SUBSCRIPTIONS)
                        .param("select", SUBSCRIPTION_COLUMNS)
                        .param("id", "eq." + subscriptionId)
                        .retryable()
                        .send()
                        .json(),
                ProjectionRows::subscription);
    }

    @Override
    public List<Subscription> subscriptionsOf(CustomerId customerId) {
        return all(
                SUBSCRIPTIONS, SUBSCRIPTION_COLUMNS, customerId, "created.desc,id.asc", ProjectionRows::subscription);
    }

    @Override
    public UpsertResult upsertInvoice(Invoice invoice) {
        return upsertInvoice(invoice, null);
    }

    @Override
    public UpsertResult upsertInvoice(Invoice invoice, AuditCause cause) {
        ObjectNode args = Rows.object();
        args.set("p_invoice", ProjectionRows.toRow(invoice));
        return upsertResult(client.rpc("billing_upsert_invoice", args)
                .cause(text(cause))
                .retryable()
                .send()
                .json());
    }

    @Override
    public Optional<Invoice> findInvoice(String invoiceId) {
        return first(
                client.get(INVOICES)
                        .param("select", INVOICE_COLUMNS)
                        .param("id", "eq." + invoiceId)
                        .retryable()
                        .send()
                        .json(),
                ProjectionRows::invoice);
    }

    @Override
    public List<Invoice> invoicesOf(CustomerId customerId) {
        return all(INVOICES, INVOICE_COLUMNS, customerId, "created.desc,id.asc", ProjectionRows::invoice);
    }

    @Override
    public boolean recordPurchase(Purchase purchase) {
        return recordPurchase(purchase, null);
    }

    @Override
    public boolean recordPurchase(Purchase purchase, AuditCause cause) {
        JsonNode inserted = client.post(PURCHASES)
                .param("on_conflict", "id")
                .param("select", "id")
                .cause(text(cause))
                .prefer("resolution=ignore-duplicates")
                .prefer("return=representation")
                .json(ProjectionRows.toRow(purchase))
                .send()
                .json();
        return inserted.size() == 1;
    }

    @Override
    public List<Purchase> purchasesOf(CustomerId customerId) {
        return all(PURCHASES, PURCHASE_COLUMNS, customerId, "purchased_at.asc,id.asc", ProjectionRows::purchase);
    }

    /** 012's billing_upsert_refund: the invoices' watermark rule, in one transaction. */
    @Override
    public UpsertResult upsertRefund(PaymentRefund refund) {
        ObjectNode args = Rows.object();
        args.set("p_refund", ProjectionRows.toRow(refund));
        return upsertResult(
                client.rpc("billing_upsert_refund", args).retryable().send().json());
    }

    /**
     * The refunds naming the customer, then those of its purchases' payment intents that name another (a claimed
     * guest purchase's refunds name the guest's customer), 100 intents a request; merged newest first.
     */
    @Override
    public List<PaymentRefund> refundsOf(CustomerId customerId) {
        List<PaymentRefund> refunds = new ArrayList<>(
                all(REFUNDS, REFUND_COLUMNS, customerId, "created.desc,id.asc", ProjectionRows::refund));
        List<String> intents = purchasesOf(customerId).stream()
                .map(Purchase::paymentIntentId)
                .filter(java.util.Objects::nonNull)
                .distinct()
                .toList();
        if (intents.isEmpty()) {
            return refunds;
        }
        for (int from = 0; from < intents.size(); from += INTENTS_PER_READ) {
            String in = intents.subList(from, Math.min(intents.size(), from + INTENTS_PER_READ)).stream()
                    .map(Rows::quoted)
                    .collect(java.util.stream.Collectors.joining(",", "in.(", ")"));
            for (int offset = 0; ; offset += CHUNK) {
                List<PaymentRefund> chunk = Rows.map(
                        client.get(REFUNDS)
                                .param("select", REFUND_COLUMNS)
                                .param("payment_intent_id", in)
                                .param("customer_id", "neq." + customerId.value())
                                .param("order", "id.asc")
                                .param("limit", Integer.toString(CHUNK))
                                .param("offset", Integer.toString(offset))
                                .retryable()
                                .send()
                                .json(),
                        ProjectionRows::refund);
                refunds.addAll(chunk);
                if (chunk.size() < CHUNK) {
                    break;
                }
            }
        }
        refunds.sort(java.util.Comparator.comparing(PaymentRefund::created)
                .reversed()
                .thenComparing(PaymentRefund::id, Keyset.BYTE_ORDER));
        return refunds;
    }

    @Override
    public Page<PaymentRefund> listRefunds(String cursor, int limit) {
        return list(REFUNDS, REFUND_COLUMNS, cursor, limit, ProjectionRows::refund, PaymentRefund::id);
    }

    @Override
    public long countRefunds() {
        return count(REFUNDS);
    }

    /** Not retried, as purchases: a repeat after a lost answer would say false for a link this call stored. */
    @Override
    public boolean recordInvoicePayment(InvoicePayment payment) {
        ObjectNode row = Rows.object();
        row.put("invoice_id", payment.invoiceId());
        row.put("payment_intent_id", payment.paymentIntentId());
        JsonNode inserted = client.post(INVOICE_PAYMENTS)
                .param("on_conflict", "invoice_id,payment_intent_id")
                .param("select", "invoice_id")
                .prefer("resolution=ignore-duplicates")
                .prefer("return=representation")
                .json(row)
                .send()
                .json();
        return inserted.size() == 1;
    }

    /** A hundred invoices per request, each request read to its end in pages (PostgREST caps an answer). */
    @Override
    public List<InvoicePayment> invoicePaymentsOf(Collection<String> invoiceIds) {
        List<String> ids =
                invoiceIds.stream().distinct().sorted(Keyset.BYTE_ORDER).toList();
        List<InvoicePayment> all = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += IDS_PER_REQUEST) {
            String in = "in.("
                    + String.join(
                            ",",
                            ids.subList(from, Math.min(ids.size(), from + IDS_PER_REQUEST)).stream()
                                    .map(Rows::quoted)
                                    .toList())
                    + ")";
            all.addAll(Keyset.collect(Integer.MAX_VALUE, Keyset.MAX_PAGE, (last, limit) -> {
                PostgrestClient.Request request = client.get(INVOICE_PAYMENTS).param("invoice_id", in);
                return invoicePayments(last == null ? request : afterPayment(request, last), limit);
            }));
        }
        return all;
    }

    @Override
    public Page<InvoicePayment> listInvoicePayments(String cursor, int limit) {
        int size = Keyset.pageSize(limit);
        PostgrestClient.Request request = client.get(INVOICE_PAYMENTS);
        if (cursor != null) {
            List<String> parts = Keyset.decode(cursor, 2);
            request = afterPayment(request, new InvoicePayment(parts.get(0), parts.get(1)));
        }
        return Keyset.page(
                invoicePayments(request, size + 1), size, p -> Keyset.encode(p.invoiceId(), p.paymentIntentId()));
    }

    @Override
    public long countInvoicePayments() {
        return count(INVOICE_PAYMENTS);
    }

    private List<InvoicePayment> invoicePayments(PostgrestClient.Request request, int limit) {
        return Rows.map(
                request.param("select", INVOICE_PAYMENT_COLUMNS)
                        .param("order", INVOICE_PAYMENT_ORDER)
                        .param("limit", Integer.toString(limit))
                        .retryable()
                        .send()
                        .json(),
                row -> new InvoicePayment(
                        Rows.requiredText(row, "invoice_id"), Rows.requiredText(row, "payment_intent_id")));
    }

    /** The rows after {@code last} in key order; the values quoted, since commas and dots are syntax there. */
    private static PostgrestClient.Request afterPayment(PostgrestClient.Request request, InvoicePayment last) {
        String invoice = Rows.quoted(last.invoiceId());
        return request.param(
                "or",
                "(invoice_id.gt." + invoice + ",and(invoice_id.eq." + invoice + ",payment_intent_id.gt."
                        + Rows.quoted(last.paymentIntentId()) + "))");
    }

    @Override
    public Page<Subscription> listSubscriptions(String cursor, int limit) {
        return list(SUBSCRIPTIONS, SUBSCRIPTION_COLUMNS, cursor, limit, ProjectionRows::subscription, Subscription::id);
    }

    @Override
    public Page<Invoice> listInvoices(String cursor, int limit) {
        return list(INVOICES, INVOICE_COLUMNS, cursor, limit, ProjectionRows::invoice, Invoice::id);
    }

    @Override
    public Page<Purchase> listPurchases(String cursor, int limit) {
        return list(PURCHASES, PURCHASE_COLUMNS, cursor, limit, ProjectionRows::purchase, Purchase::id);
    }

    @Override
    public long countSubscriptions() {
        return count(SUBSCRIPTIONS);
    }

    /** Not retried: a repeat after a lost answer would count none of the subscriptions this call changed. */
    @Override
    public int pseudonymise(CustomerId customer, UserId user, UserId pseudonym) {
        ObjectNode args = Rows.object();
        args.put("p_customer_id", customer.value());
        args.put("p_user_id", user.value());
        args.put("p_pseudonym", pseudonym.value());
        return client.rpc("billing_subscriptions_pseudonymise", args)
                .send()
                .json()
                .asInt();
    }

    private static String text(AuditCause cause) {
        return cause == null ? null : cause.text();
    }

    @Override
    public long countInvoices() {
        return count(INVOICES);
    }

    @Override
    public long countPurchases() {
        return count(PURCHASES);
    }

    private long count(String table) {
        return client.head(table).prefer("count=exact").retryable().send().count();
    }

    /** Every row of one customer, in {@code order}, read in chunks (PostgREST caps one answer at db-max-rows). */
    private <T> List<T> all(
            String table, String columns, CustomerId customerId, String order, Function<JsonNode, T> mapper) {
        List<T> all = new ArrayList<>();
        for (int offset = 0; ; offset += CHUNK) {
            List<T> chunk = Rows.map(
                    client.get(table)
                            .param("select", columns)
                            .param("customer_id", "eq." + customerId.value())
                            .param("order", order)
                            .param("limit", Integer.toString(CHUNK))
                            .param("offset", Integer.toString(offset))
                            .retryable()
                            .send()
                            .json(),
                    mapper);
            all.addAll(chunk);
            if (chunk.size() < CHUNK) {
                return all;
            }
        }
    }

    /** Keyset paging by id (the ids are {@code COLLATE "C"}: byte order). */
    private <T> Page<T> list(
            String table,
            String columns,
            String cursor,
            int limit,
            Function<JsonNode, T> mapper,
            Function<T, String> id) {
        int size = Keyset.pageSize(limit);
        PostgrestClient.Request request = client.get(table)
                .param("select", columns)
                .param("order", "id.asc")
                .param("limit", Integer.toString(size + 1));
        if (cursor != null) {
            request.param("id", "gt." + Keyset.decode(cursor, 1).get(0));
        }
        List<T> rows = Rows.map(request.retryable().send().json(), mapper);
        return Keyset.page(rows, size, item -> Keyset.encode(id.apply(item)));
    }

    private static <T> Optional<T> first(JsonNode rows, Function<JsonNode, T> mapper) {
        List<T> items = Rows.map(rows, mapper);
        return items.isEmpty() ? Optional.empty() : Optional.of(items.get(0));
    }

    private static UpsertResult upsertResult(JsonNode answer) {
        return switch (answer.asText()) {
            case "applied" -> UpsertResult.APPLIED;
            case "same_version" -> UpsertResult.SAME_VERSION;
            case "stale" -> UpsertResult.STALE;
            default -> throw new StoreException("Supabase answered an unknown upsert outcome: " + answer);
        };
    }

    @Override
    public boolean removeSubscription(String subscriptionId) {
        return SupabaseRemovals.delete(client, SUBSCRIPTIONS, "id", subscriptionId);
    }

    @Override
    public boolean removeInvoice(String invoiceId) {
        return SupabaseRemovals.delete(client, INVOICES, "id", invoiceId);
    }

    @Override
    public boolean removePurchase(String purchaseId) {
        return SupabaseRemovals.delete(client, PURCHASES, "id", purchaseId);
    }

    @Override
    public boolean removeRefund(String refundId) {
        return SupabaseRemovals.delete(client, REFUNDS, "id", refundId);
    }

    @Override
    public boolean removeInvoicePayment(InvoicePayment payment) {
        return SupabaseRemovals.delete(
                client,
                INVOICE_PAYMENTS,
                "invoice_id",
                payment.invoiceId(),
                "payment_intent_id",
                payment.paymentIntentId());
    }
}
