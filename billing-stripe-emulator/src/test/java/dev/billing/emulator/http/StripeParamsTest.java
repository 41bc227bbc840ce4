package dev.billing.emulator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.annotations.SerializedName;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.state.EmulatorClock;
import dev.billing.emulator.state.EmulatorState;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The parameters the emulator declares for each route ({@link StripeParams}) are the ones Stripe
 * documents: the names stripe-java's params class for that endpoint sends, at the top level and in
 * every hash whose keys the emulator checks. So the emulator refuses no parameter Stripe accepts,
 * and accepts none Stripe refuses beyond its declared extensions.
 */
class StripeParamsTest {
    /** The stripe-java params class of each route (none for the DELETE routes that take no parameters). */
    private static final Map<String, String> CLASSES = classes();

    private static Map<String, String> classes() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("POST /v1/products", "ProductCreateParams");
        m.put("GET /v1/products", "ProductListParams");
        m.put("GET /v1/products/{id}", "ProductRetrieveParams");
        m.put("POST /v1/products/{id}", "ProductUpdateParams");
        m.put("POST /v1/prices", "PriceCreateParams");
        m.put("GET /v1/prices", "PriceListParams");
        m.put("GET /v1/prices/{id}", "PriceRetrieveParams");
        m.put("POST /v1/prices/{id}", "PriceUpdateParams");
        m.put("POST /v1/coupons", "CouponCreateParams");
        m.put("GET /v1/coupons", "CouponListParams");
        m.put("GET /v1/coupons/{id}", "CouponRetrieveParams");
        m.put("POST /v1/promotion_codes", "PromotionCodeCreateParams");
        m.put("GET /v1/promotion_codes", "PromotionCodeListParams");
        m.put("GET /v1/promotion_codes/{id}", "PromotionCodeRetrieveParams");
        m.put("POST /v1/billing/meters", "billing.MeterCreateParams");
        m.put("GET /v1/billing/meters", "billing.MeterListParams");
        m.put("GET /v1/billing/meters/{id}", "billing.MeterRetrieveParams");
        m.put("POST /v1/billing/meters/{id}", "billing.MeterUpdateParams");
        m.put("GET /v1/billing/meters/{id}/event_summaries", "billing.MeterEventSummaryListParams");
        m.put("POST /v1/billing/meter_events", "billing.MeterEventCreateParams");
        m.put("POST /v1/customers", "CustomerCreateParams");
        m.put("GET /v1/customers", "CustomerListParams");
        m.put("GET /v1/customers/search", "CustomerSearchParams");
        m.put("GET /v1/customers/{id}", "CustomerRetrieveParams");
        m.put("POST /v1/customers/{id}", "CustomerUpdateParams");
        m.put("GET /v1/customers/{id}/payment_methods", "CustomerListPaymentMethodsParams");
        m.put("GET /v1/customers/{id}/payment_methods/{pm}", "CustomerRetrievePaymentMethodParams");
        m.put("POST /v1/payment_methods", "PaymentMethodCreateParams");
        m.put("GET /v1/payment_methods", "PaymentMethodListParams");
        m.put("GET /v1/payment_methods/{id}", "PaymentMethodRetrieveParams");
        m.put("POST /v1/payment_methods/{id}", "PaymentMethodUpdateParams");
        m.put("POST /v1/payment_methods/{id}/attach", "PaymentMethodAttachParams");
        m.put("POST /v1/payment_methods/{id}/detach", "PaymentMethodDetachParams");
        m.put("POST /v1/setup_intents", "SetupIntentCreateParams");
        m.put("POST /v1/ephemeral_keys", "EphemeralKeyCreateParams");
        m.put("DELETE /v1/ephemeral_keys/{id}", "EphemeralKeyDeleteParams");
        m.put("GET /v1/setup_intents", "SetupIntentListParams");
        m.put("GET /v1/setup_intents/{id}", "SetupIntentRetrieveParams");
        m.put("POST /v1/setup_intents/{id}/confirm", "SetupIntentConfirmParams");
        m.put("POST /v1/billing_portal/sessions", "billingportal.SessionCreateParams");
        m.put("POST /v1/billing_portal/configurations", "billingportal.ConfigurationCreateParams");
        m.put("GET /v1/billing_portal/configurations", "billingportal.ConfigurationListParams");
        m.put("GET /v1/billing_portal/configurations/{id}", "billingportal.ConfigurationRetrieveParams");
        m.put("POST /v1/billing_portal/configurations/{id}", "billingportal.ConfigurationUpdateParams");
        m.put("POST /v1/subscriptions", "SubscriptionCreateParams");
        m.put("GET /v1/subscriptions", "SubscriptionListParams");
        m.put("GET /v1/subscriptions/{id}", "SubscriptionRetrieveParams");
        m.put("POST /v1/subscriptions/{id}", "SubscriptionUpdateParams");
        m.put("DELETE /v1/subscriptions/{id}", "SubscriptionCancelParams");
        m.put("GET /v1/subscription_items", "SubscriptionItemListParams");
        m.put("GET /v1/subscription_items/{id}", "SubscriptionItemRetrieveParams");
        m.put("GET /v1/invoices", "InvoiceListParams");
        m.put("GET /v1/invoices/{id}", "InvoiceRetrieveParams");
        m.put("GET /v1/invoices/{id}/lines", "InvoiceLineItemListParams");
        m.put("POST /v1/invoices/{id}/pay", "InvoicePayParams");
        m.put("POST /v1/invoices/{id}/void", "InvoiceVoidInvoiceParams");
        m.put("GET /v1/invoice_payments", "InvoicePaymentListParams");
        m.put("GET /v1/invoice_payments/{id}", "InvoicePaymentRetrieveParams");
        m.put("POST /v1/payment_intents", "PaymentIntentCreateParams");
        m.put("GET /v1/payment_intents", "PaymentIntentListParams");
        m.put("GET /v1/payment_intents/{id}", "PaymentIntentRetrieveParams");
        m.put("POST /v1/payment_intents/{id}/confirm", "PaymentIntentConfirmParams");
        m.put("POST /v1/payment_intents/{id}/cancel", "PaymentIntentCancelParams");
        m.put("GET /v1/charges", "ChargeListParams");
        m.put("GET /v1/charges/{id}", "ChargeRetrieveParams");
        m.put("GET /v1/charges/{id}/refunds", "RefundCollectionListParams");
        m.put("GET /v1/charges/{id}/refunds/{refund}", "RefundCollectionRetrieveParams");
        m.put("POST /v1/refunds", "RefundCreateParams");
        m.put("GET /v1/refunds", "RefundListParams");
        m.put("GET /v1/refunds/{id}", "RefundRetrieveParams");
        m.put("POST /v1/checkout/sessions", "checkout.SessionCreateParams");
        m.put("GET /v1/checkout/sessions", "checkout.SessionListParams");
        m.put("GET /v1/checkout/sessions/{id}", "checkout.SessionRetrieveParams");
        m.put("GET /v1/checkout/sessions/{id}/line_items", "checkout.SessionListLineItemsParams");
        m.put("POST /v1/checkout/sessions/{id}/expire", "checkout.SessionExpireParams");
        m.put("GET /v1/account", "AccountRetrieveCurrentParams");
        m.put("GET /v1/accounts/{id}", "AccountRetrieveParams");
        m.put("GET /v1/balance", "BalanceRetrieveParams");
        m.put("GET /v1/events", "EventListParams");
        m.put("GET /v1/events/{id}", "EventRetrieveParams");
        m.put("POST /v1/webhook_endpoints", "WebhookEndpointCreateParams");
        m.put("GET /v1/webhook_endpoints", "WebhookEndpointListParams");
        m.put("GET /v1/webhook_endpoints/{id}", "WebhookEndpointRetrieveParams");
        m.put("POST /v1/webhook_endpoints/{id}", "WebhookEndpointUpdateParams");
        return m;
    }

    /** Hashes whose stripe-java type is one of several classes (a card by number or by token). */
    private static final Map<String, List<String>> UNIONS =
            Map.of("PaymentMethodCreateParams.card", List.of("CardDetails", "Token"));

    @Test
    void everyRouteOfTheEmulatorIsDeclaredAndEveryDeclarationIsARoute() {
        Router router = new Router(StripeParams::of);
        new ApiResources(new EmulatorState(
                        EmulatorOptions.defaults(),
                        new EmulatorClock(
                                java.time.Clock.systemUTC(), java.time.Instant.parse("2026-01-01T00:00:00Z"), true)))
                .register(router);
        assertThat(router.routes()).allMatch(r -> r.contains(" /v1/"));
        assertThat(new TreeSet<>(router.routes()))
                .isEqualTo(new TreeSet<>(StripeParams.all().keySet()));
    }

    @Test
    void everyRouteAcceptsWhatStripeJavaSendsForItAndNothingElse() throws Exception {
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, ParamSpec> e : StripeParams.all().entrySet()) {
            String className = CLASSES.get(e.getKey());
            if (className == null) {
                assertThat(e.getKey()).startsWith("DELETE ");
                assertThat(e.getValue().fields()).as(e.getKey()).isEmpty();
                continue;
            }
            Class<?> params = Class.forName("com.stripe.param." + className);
            Set<String> extensions = new TreeSet<>();
            String extra = StripeParams.EXTENSIONS.get(e.getKey());
            if (extra != null) {
                Arrays.stream(extra.split(",")).map(String::trim).forEach(extensions::add);
            }
            compare(e.getKey(), e.getValue(), List.of(params), params.getSimpleName(), extensions, differences);
        }
        assertThat(differences).isEmpty();
    }

    private static void compare(
            String where,
            ParamSpec spec,
            List<Class<?>> classes,
            String path,
            Set<String> extensions,
            List<String> differences)
            throws Exception {
        Map<String, Field> stripe = new LinkedHashMap<>();
        for (Class<?> c : classes) {
            for (Field f : c.getDeclaredFields()) {
                SerializedName name = f.getAnnotation(SerializedName.class);
                // stripe-java sends an ephemeral key's stripe-version as the Stripe-Version header, not a parameter.
                if (name != null
                        && !name.value().startsWith("_stripe_java")
                        && !name.value().equals("stripe-version")) {
                    stripe.put(name.value(), f);
                }
            }
        }
        Set<String> declared = new TreeSet<>(spec.fields().keySet());
        declared.removeAll(extensions);
        Set<String> missing = new TreeSet<>(stripe.keySet());
        missing.removeAll(declared);
        Set<String> extra = new TreeSet<>(declared);
        extra.removeAll(stripe.keySet());
        if (!missing.isEmpty()) {
            differences.add(where + " (" + path + ") does not accept " + missing);
        }
        if (!extra.isEmpty()) {
            differences.add(where + " (" + path + ") accepts " + extra + ", which Stripe does not");
        }
        for (Map.Entry<String, ParamSpec> child : spec.fields().entrySet()) {
            Field field = stripe.get(child.getKey());
            if (!child.getValue().checked() || field == null) {
                continue;
            }
            String childPath = path + "." + child.getKey();
            List<Class<?>> nested = nestedClasses(field.getDeclaringClass(), child.getKey());
            if (nested.isEmpty()) {
                differences.add(where + ": no stripe-java class for " + childPath);
                continue;
            }
            compare(where, child.getValue(), nested, childPath, Set.of(), differences);
        }
    }

    /** The params class of a hash: the owner's inner class named after it (singular for arrays). */
    private static List<Class<?>> nestedClasses(Class<?> owner, String name) {
        String camel = camel(name);
        List<String> candidates = UNIONS.getOrDefault(
                owner.getSimpleName() + "." + name,
                camel.endsWith("s") ? List.of(camel, camel.substring(0, camel.length() - 1)) : List.of(camel));
        List<Class<?>> found = new ArrayList<>();
        for (Class<?> inner : owner.getDeclaredClasses()) {
            if (candidates.contains(inner.getSimpleName()) && !inner.isEnum()) {
                found.add(inner);
            }
        }
        return found;
    }

    private static String camel(String name) {
        StringBuilder b = new StringBuilder();
        for (String part : name.split("_")) {
            if (!part.isEmpty()) {
                b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return b.toString();
    }
}
