package dev.billing.testkit.contract;

import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerRecord;
import dev.billing.core.model.Money;
import dev.billing.core.model.NewCustomer;
import dev.billing.core.model.Page;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.Price;
import dev.billing.core.model.catalog.PriceQuery;
import dev.billing.core.model.catalog.PriceType;
import dev.billing.core.model.catalog.Product;
import dev.billing.core.model.catalog.ProductQuery;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.PaymentIntentRequest;
import dev.billing.core.model.payment.PaymentMethod;
import dev.billing.core.model.payment.Refund;
import dev.billing.core.model.payment.RefundRequest;
import dev.billing.core.model.payment.SetupIntent;
import dev.billing.core.model.payment.SheetIntent;
import dev.billing.core.model.subscription.CheckoutMode;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.model.subscription.IncompleteSubscriptionRequest;
import dev.billing.core.model.subscription.LineItem;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.usage.MeterEvent;
import dev.billing.core.port.PaymentGateway;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What every {@link PaymentGateway} does, end to end: the catalog, customers with Stripe's idempotency semantics,
 * checkout (completed by the {@link GatewayFixture} as a paying customer would), subscriptions, invoices, payment
 * methods, portal, refunds and meter events. Subclass it with the gateway under test and a fixture that can
 * complete checkouts and attach cards at "Stripe".
 */
public abstract class PaymentGatewayContract extends PaymentGatewaySubscriptionsContract {
    @Nested
    @DisplayName("catalog")
    class Catalog {

        @Test
        void listsActivePricesWithTheirParts() {
            List<Price> prices = collect(after -> gateway.listPrices(new PriceQuery(true, null, null, 100, after)));
            assertThat(prices).extracting(Price::id).contains(fixture.recurringPriceId(), fixture.oneTimePriceId());
            Price recurring = prices.stream()
                    .filter(p -> p.id().equals(fixture.recurringPriceId()))
                    .findFirst()
                    .orElseThrow();
            assertThat(recurring.type()).isEqualTo(PriceType.RECURRING);
            assertThat(recurring.recurring()).isNotNull();
            assertThat(recurring.unitAmount()).isPositive();
            assertThat(prices).allMatch(Price::active);
        }

        @Test
        @DisplayName("pages one price at a time without repeats")
        void pagesPrices() {
            List<Price> all = collect(after -> gateway.listPrices(new PriceQuery(null, null, null, 1, after)));
            assertThat(all).extracting(Price::id).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(3);
        }

        @Test
        void filtersPricesByTypeAndProduct() {
            List<Price> oneTime =
                    collect(after -> gateway.listPrices(new PriceQuery(null, null, PriceType.ONE_TIME, 100, after)));
            assertThat(oneTime).isNotEmpty().allMatch(p -> p.type() == PriceType.ONE_TIME);
            Price any = gateway.getPrice(fixture.recurringPriceId()).orElseThrow();
            List<Price> ofProduct =
                    collect(after -> gateway.listPrices(new PriceQuery(null, any.productId(), null, 100, after)));
            assertThat(ofProduct).isNotEmpty().allMatch(p -> p.productId().equals(any.productId()));
        }

        @Test
        void listsProducts() {
            List<Product> products = collect(after -> gateway.listProducts(new ProductQuery(true, 100, after)));
            Price price = gateway.getPrice(fixture.recurringPriceId()).orElseThrow();
            assertThat(products).extracting(Product::id).contains(price.productId());
        }

        @Test
        void anUnknownPriceIsEmpty() {
            assertThat(gateway.getPrice(unique("price_missing_"))).isEmpty();
        }
    }

    @Nested
    @DisplayName("customers")
    class Customers {

        @Test
        @DisplayName("the same key and parameters return the same customer")
        void sameKeySameCustomer() {
            UserId user = UserId.of(unique("user_"));
            String key = unique("key-");
            CustomerId first = gateway.createCustomer(new NewCustomer(user, "a@example.com", key));
            CustomerId again = gateway.createCustomer(new NewCustomer(user, "a@example.com", key));
            assertThat(again).isEqualTo(first);
        }

        @Test
        @DisplayName("the same key with other parameters is an idempotency conflict")
        void sameKeyOtherParametersIsRejected() {
            UserId user = UserId.of(unique("user_"));
            String key = unique("key-");
            gateway.createCustomer(new NewCustomer(user, "a@example.com", key));
            assertThatThrownBy(() -> gateway.createCustomer(new NewCustomer(user, "b@example.com", key)))
                    .isInstanceOfSatisfying(
                            GatewayRejectedException.class,
                            e -> assertThat(e.isIdempotencyConflict()).isTrue());
        }

        @Test
        void otherKeysMakeOtherCustomers() {
            UserId user = UserId.of(unique("user_"));
            CustomerId a = gateway.createCustomer(new NewCustomer(user, null, unique("key-")));
            CustomerId b = gateway.createCustomer(new NewCustomer(user, null, unique("key-")));
            assertThat(a).isNotEqualTo(b);
        }

        @Test
        void findsACustomerByItsUser() {
            UserId user = UserId.of(unique("user_"));
            CustomerId customer = gateway.createCustomer(new NewCustomer(user, null, unique("key-")));
            assertThat(gateway.findCustomerByUserId(user)).contains(customer);
            assertThat(gateway.findCustomerByUserId(UserId.of(unique("nobody_"))))
                    .isEmpty();
        }

        @Test
        @DisplayName("a customer reads back with the user its metadata names and its email; an unknown one is empty")
        void readsACustomerWithItsUser() {
            UserId user = UserId.of(unique("user_"));
            CustomerId customer = gateway.createCustomer(new NewCustomer(user, "r@example.com", unique("key-")));

            assertThat(gateway.getCustomer(customer)).contains(new CustomerRecord(customer, user, "r@example.com"));
            assertThat(gateway.getCustomer(CustomerId.of("cus_" + unique("missing"))))
                    .isEmpty();
        }
    }

    @Nested
    @DisplayName("invoices and payments")
    class Invoices {

        @Test
        void aSubscriptionHasItsFirstInvoice() {
            CustomerId customer = newCustomer();
            Subscription subscription = subscribed(customer);
            Page<Invoice> invoices = gateway.listInvoices(customer, 10, null);
            assertThat(invoices.items())
                    .isNotEmpty()
                    .allMatch(i -> i.customerId().equals(customer));
            Invoice first = invoices.items().get(0);
            assertThat(first.subscriptionId()).isEqualTo(subscription.id());
            assertThat(gateway.getInvoice(first.id())).map(Invoice::id).contains(first.id());
            assertThat(gateway.getInvoice(unique("in_missing_"))).isEmpty();
        }

        @Test
        @DisplayName("a subscription paid at Checkout started; one left unpaid in the sheet did not")
        void tellsWhetherASubscriptionStarted() {
            CustomerId customer = newCustomer();
            Subscription paid = subscribed(customer);
            Subscription unpaid = gateway.createIncompleteSubscription(new IncompleteSubscriptionRequest(
                            customer,
                            List.of(new LineItem.OfPrice(fixture.otherRecurringPriceId(), 1)),
                            0,
                            null,
                            Map.of(),
                            false,
                            unique("sheet-")))
                    .subscription();

            assertThat(gateway.hasStarted(paid)).isTrue();
            assertThat(gateway.hasStarted(unpaid)).isFalse();
        }

        @Test
        @DisplayName("a one-time purchase can be refunded in part, then in full, and no further; the mark is read back")
        void refunds() {
            CustomerId customer = newCustomer();
            CheckoutSession session = checkout(customer, CheckoutMode.PAYMENT, fixture.oneTimePriceId());
            String paymentIntent = fixture.completeCheckout(session.id());
            Refund part = gateway.createRefund(new RefundRequest(paymentIntent, 100L, null, unique("refund-")));
            assertThat(part.amount()).isEqualTo(new Money(100, part.amount().currency()));
            assertThat(part.customerId()).isEqualTo(customer);
            Refund rest = gateway.createRefund(new RefundRequest(paymentIntent, null, null, unique("refund-"), true));
            assertThat(rest.amount().amount()).isPositive();
            assertThatThrownBy(
                            () -> gateway.createRefund(new RefundRequest(paymentIntent, null, null, unique("refund-"))))
                    .isInstanceOf(GatewayRejectedException.class);
            assertThat(gateway.getRefund(part.id())).hasValueSatisfying(r -> {
                assertThat(r.customerId()).isEqualTo(customer);
                assertThat(r.paymentIntentId()).isEqualTo(paymentIntent);
                assertThat(r.amount()).isEqualTo(100);
                assertThat(r.status()).isEqualTo("succeeded");
                assertThat(r.version().source()).isEqualTo(SourceVersion.Source.REFETCH);
                assertThat(r.auditedByRequest()).isFalse();
            });
            assertThat(gateway.getRefund(rest.id()))
                    .as("a refund whose request audits it says so when read back, as its webhooks will")
                    .hasValueSatisfying(r -> assertThat(r.auditedByRequest()).isTrue());
            assertThat(gateway.getRefund(unique("re_missing_"))).isEmpty();
        }

        @Test
        @DisplayName("a meter event reported twice under its identifier is counted once; another one adds up")
        void reportsMeterEventsIdempotently() {
            CustomerId customer = newCustomer();
            MeterEvent event = new MeterEvent("api_calls", customer, 3, unique("usage-"), fixture.now());

            gateway.reportMeterEvent(event);
            gateway.reportMeterEvent(event);

            assertThat(fixture.meterTotal("api_calls", customer)).isEqualTo(3.0);
            gateway.reportMeterEvent(new MeterEvent("api_calls", customer, 4, unique("usage-"), fixture.now()));
            assertThat(fixture.meterTotal("api_calls", customer)).isEqualTo(7.0);
        }
    }

    @Nested
    @DisplayName("payment methods")
    class PaymentMethods {

        @Test
        void setsTheDefaultAndDetaches() {
            CustomerId customer = newCustomer();
            String first = fixture.attachCard(customer);
            String second = fixture.attachCard(customer);
            gateway.setDefaultPaymentMethod(customer, second);
            List<PaymentMethod> methods = gateway.listPaymentMethods(customer);
            assertThat(methods).extracting(PaymentMethod::id).containsExactlyInAnyOrder(first, second);
            assertThat(methods)
                    .filteredOn(PaymentMethod::isDefault)
                    .extracting(PaymentMethod::id)
                    .containsExactly(second);
            assertThat(methods).allSatisfy(pm -> {
                assertThat(pm.card()).isNotNull();
                assertThat(pm.card().last4()).hasSize(4);
            });
            assertThat(gateway.getPaymentMethod(first))
                    .map(PaymentMethod::customerId)
                    .contains(customer);
            gateway.detachPaymentMethod(first);
            assertThat(gateway.listPaymentMethods(customer))
                    .extracting(PaymentMethod::id)
                    .containsExactly(second);
        }

        @Test
        @DisplayName("reads a PaymentSheet's payment intent as its events carry it")
        void readsAPaymentIntent() {
            CustomerId customer = newCustomer();
            Map<String, String> metadata = Map.of("source", "sheet", "price_id", "price_credits_100", "quantity", "2");
            SheetIntent made = gateway.createPaymentIntent(
                    new PaymentIntentRequest(customer, new Money(2000, "usd"), "2 x credits", metadata, unique("pi-")));
            assertThat(gateway.getPaymentIntent(made.id())).hasValueSatisfying(pi -> {
                assertThat(pi.id()).isEqualTo(made.id());
                assertThat(pi.customerId()).isEqualTo(customer);
                assertThat(pi.status()).isEqualTo(made.status()).isNotEqualTo("succeeded");
                assertThat(pi.metadata()).containsAllEntriesOf(metadata);
                assertThat(pi.received()).isEqualTo(new Money(0, "usd"));
            });
            assertThat(gateway.getPaymentIntent("pi_" + unique("unknown"))).isEmpty();
        }

        @Test
        void createsASetupIntentForTheFrontEnd() {
            SetupIntent intent = gateway.createSetupIntent(newCustomer(), unique("setup-"));
            assertThat(intent.clientSecret()).isNotBlank();
        }
    }

    @Test
    void pingsWhenReachable() {
        gateway.ping();
    }

    private static <T> List<T> collect(java.util.function.Function<String, Page<T>> lister) {
        List<T> all = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Page<T> page = lister.apply(cursor);
            all.addAll(page.items());
            cursor = page.nextCursor();
            assertThat(++pages).as("pages").isLessThan(1_000);
        } while (cursor != null);
        return all;
    }
}
