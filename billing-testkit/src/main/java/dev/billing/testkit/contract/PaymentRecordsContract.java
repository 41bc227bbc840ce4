package dev.billing.testkit.contract;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.aPurchase;
import static dev.billing.testkit.Builders.anInvoice;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Page;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UpsertResult;
import dev.billing.core.model.payment.InvoicePayment;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.port.SubscriptionStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The part of the {@link dev.billing.core.port.SubscriptionStore} contract about payment records: insert-once
 * purchases, refunds, and which payment intent paid an invoice. {@link SubscriptionStoreContract} extends it
 * (through {@link PastDueSinceContract}), so
 * each implementation still subclasses one contract and runs both parts; they are apart only so that neither file
 * does two jobs.
 */
public abstract class PaymentRecordsContract {
    /** The store under test, made anew for each test. */
    SubscriptionStore store;

    protected abstract SubscriptionStore store();

    @BeforeEach
    void setUpStore() {
        store = store();
    }

    @Nested
    @DisplayName("purchases")
    class Purchases {

        @Test
        @DisplayName("recorded once: a second record of the same id is refused and changes nothing")
        void recordedOnce() {
            Purchase purchase = aPurchase()
                    .withCustomer(unique("cus_"))
                    .withQuantity(2)
                    .withAmount(1800)
                    .build();
            assertThat(store.recordPurchase(purchase)).isTrue();
            Purchase again = aPurchase()
                    .withId(purchase.id())
                    .withCustomer(purchase.customerId().value())
                    .withQuantity(9)
                    .build();
            assertThat(store.recordPurchase(again)).isFalse();
            assertThat(store.purchasesOf(purchase.customerId())).containsExactly(purchase);
        }

        @Test
        @DisplayName("10 racing records of one purchase: exactly one stored")
        void racingRecordsStoreOne() {
            Purchase purchase = aPurchase().withCustomer(unique("cus_")).build();
            List<Boolean> results = Race.run(10, i -> store.recordPurchase(purchase));
            assertThat(results.stream().filter(b -> b)).hasSize(1);
            assertThat(store.purchasesOf(purchase.customerId())).hasSize(1);
        }

        @Test
        void purchasesOfACustomerOldestFirst() {
            String customer = unique("cus_");
            Purchase later = aPurchase()
                    .withCustomer(customer)
                    .purchasedAt(T0.plusSeconds(10))
                    .build();
            Purchase earlier =
                    aPurchase().withCustomer(customer).purchasedAt(T0).build();
            store.recordPurchase(later);
            store.recordPurchase(earlier);
            assertThat(store.purchasesOf(CustomerId.of(customer))).containsExactly(earlier, later);
        }

        @Test
        void listsAndCountsEveryPurchase() {
            long before = store.countPurchases();
            for (int i = 0; i < 4; i++) {
                store.recordPurchase(aPurchase().build());
            }
            assertThat(store.countPurchases()).isEqualTo(before + 4);
            assertThat(collect((cursor, limit) -> store.listPurchases(cursor, limit)))
                    .hasSize((int) store.countPurchases());
        }
    }

    @Nested
    @DisplayName("refunds")
    class Refunds {

        private PaymentRefund refund(
                String id, String customer, String status, java.time.Instant created, SourceVersion version) {
            return new PaymentRefund(
                    id,
                    CustomerId.of(customer),
                    unique("ch_"),
                    unique("pi_"),
                    500,
                    "usd",
                    status,
                    "requested_by_customer",
                    created,
                    version);
        }

        @Test
        void everyFieldRoundTrips() {
            String customer = unique("cus_");
            PaymentRefund full =
                    refund(unique("re_"), customer, "succeeded", T0, SourceVersion.refetch(T0.plusMillis(5)));
            PaymentRefund sparse = new PaymentRefund(
                    unique("re_"),
                    CustomerId.of(customer),
                    null,
                    null,
                    0,
                    "eur",
                    "pending",
                    null,
                    T0.plusSeconds(1),
                    SourceVersion.snapshot(T0));
            store.upsertRefund(full);
            store.upsertRefund(sparse);
            assertThat(store.refundsOf(CustomerId.of(customer))).containsExactly(sparse, full);
        }

        @Test
        @DisplayName("the same watermark rules as subscriptions: a pending refund that succeeded stays succeeded")
        void watermarkRules() {
            String id = unique("re_");
            String customer = unique("cus_");
            PaymentRefund pending = refund(id, customer, "pending", T0, SourceVersion.snapshot(T0));
            PaymentRefund succeeded = new PaymentRefund(
                    id,
                    CustomerId.of(customer),
                    pending.chargeId(),
                    pending.paymentIntentId(),
                    500,
                    "usd",
                    "succeeded",
                    null,
                    T0,
                    SourceVersion.snapshot(T0.plusSeconds(2)));
            PaymentRefund tie = new PaymentRefund(
                    id,
                    CustomerId.of(customer),
                    pending.chargeId(),
                    pending.paymentIntentId(),
                    500,
                    "usd",
                    "failed",
                    null,
                    T0,
                    SourceVersion.snapshot(T0.plusSeconds(2)));
            assertThat(store.upsertRefund(succeeded)).isEqualTo(UpsertResult.APPLIED);
            assertThat(store.upsertRefund(pending)).isEqualTo(UpsertResult.STALE);
            assertThat(store.upsertRefund(tie)).isEqualTo(UpsertResult.SAME_VERSION);
            assertThat(store.refundsOf(CustomerId.of(customer))).containsExactly(succeeded);
        }

        @Test
        void listsAndCountsEveryRefund() {
            long before = store.countRefunds();
            for (int i = 0; i < 4; i++) {
                store.upsertRefund(refund(unique("re_"), unique("cus_"), "succeeded", T0, SourceVersion.snapshot(T0)));
            }
            assertThat(store.countRefunds()).isEqualTo(before + 4);
            assertThat(collect((cursor, limit) -> store.listRefunds(cursor, limit)))
                    .hasSize((int) store.countRefunds());
        }
    }

    @Nested
    @DisplayName("invoice payments")
    class InvoicePayments {
        /** Ids are ASCII here, so String order is the stores' byte order. */
        private static final Comparator<InvoicePayment> KEY_ORDER =
                Comparator.comparing(InvoicePayment::invoiceId).thenComparing(InvoicePayment::paymentIntentId);

        @Test
        @DisplayName("recorded once, before the invoice exists too, and read by invoice in key order")
        void recordedOnceAndReadByInvoice() {
            String invoice = unique("in_");
            String other = unique("in_");
            InvoicePayment first = new InvoicePayment(invoice, "pi_b" + unique(""));
            InvoicePayment second = new InvoicePayment(invoice, "pi_a" + unique(""));
            InvoicePayment others = new InvoicePayment(other, unique("pi_"));

            assertThat(store.recordInvoicePayment(first)).isTrue();
            assertThat(store.recordInvoicePayment(first)).as("a duplicate").isFalse();
            assertThat(store.recordInvoicePayment(second))
                    .as("another payment of the invoice")
                    .isTrue();
            assertThat(store.recordInvoicePayment(others)).isTrue();
            store.upsertInvoice(anInvoice().withId(invoice).build());

            assertThat(store.invoicePaymentsOf(List.of(invoice, unique("in_none_"))))
                    .containsExactly(second, first);
            List<InvoicePayment> both = new ArrayList<>(List.of(first, second, others));
            both.sort(KEY_ORDER);
            assertThat(store.invoicePaymentsOf(List.of(other, invoice))).containsExactlyElementsOf(both);
            assertThat(store.invoicePaymentsOf(List.of())).isEmpty();
        }

        @Test
        @DisplayName("racing writers of one link: exactly one stores it")
        void racingDuplicatesStoreOnce() {
            InvoicePayment payment = new InvoicePayment(unique("in_"), unique("pi_"));
            List<Boolean> stored = Race.run(10, i -> store.recordInvoicePayment(payment));
            assertThat(stored).containsOnlyOnce(true);
            assertThat(store.invoicePaymentsOf(List.of(payment.invoiceId()))).containsExactly(payment);
        }

        @Test
        @DisplayName("the payments of many invoices are read in one call")
        void manyInvoicesAtOnce() {
            List<String> invoices = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                invoices.add(unique("in_many_"));
                store.recordInvoicePayment(new InvoicePayment(invoices.get(i), unique("pi_")));
            }
            assertThat(store.invoicePaymentsOf(invoices))
                    .extracting(InvoicePayment::invoiceId)
                    .containsExactlyInAnyOrderElementsOf(invoices);
        }

        @Test
        void listsAndCountsEveryInvoicePayment() {
            long before = store.countInvoicePayments();
            String invoice = unique("in_");
            for (int i = 0; i < 4; i++) {
                store.recordInvoicePayment(new InvoicePayment(i < 2 ? invoice : unique("in_"), unique("pi_")));
            }
            assertThat(store.countInvoicePayments()).isEqualTo(before + 4);
            List<InvoicePayment> all = collect((cursor, limit) -> store.listInvoicePayments(cursor, limit));
            assertThat(all).hasSize((int) store.countInvoicePayments()).doesNotHaveDuplicates();
            assertThat(all).isSortedAccordingTo(KEY_ORDER);
        }
    }

    static <T> List<T> collect(BiFunction<String, Integer, Page<T>> lister) {
        List<T> all = new ArrayList<>();
        String cursor = null;
        do {
            Page<T> page = lister.apply(cursor, 3);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(3);
            all.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }
}
