package dev.billing.stripe;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.billing.core.error.WebhookRejectedException;
import dev.billing.core.error.WebhookRejectedException.Reason;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Money;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.subscription.CheckoutMode;
import dev.billing.core.model.subscription.CheckoutSession;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decodes an event's {@code data.object} from the raw JSON, reading only the fields the core needs, so that an
 * event of ANY API version decodes (stripe-java's typed models follow the pinned version only). Where Stripe moved
 * a field, both places are read: a subscription's period ({@link StripeSubscriptionJson}), an invoice's subscription
 * ({@link StripeInvoiceJson}). An invoice's payment intent is read where versions before 2025-03-31 put it
 * ({@code payment_intent}); later ones name it in {@code invoice_payment.paid} only.
 */
final class StripeJson {
    static final TypeAdapter<JsonElement> TREE = new Gson().getAdapter(JsonElement.class);
    /** An id that may be expanded into its object. */
    private static final Pick ID = Pick.fields(Map.of("id", Pick.ALL));
    /** A coupon, expanded or inside a discount of an older API version. */
    private static final Pick COUPON =
            Pick.fields(Map.of("id", Pick.ALL, "percent_off", Pick.ALL, "amount_off", Pick.ALL, "currency", Pick.ALL));
    /** A subscription item's price: its id and what revenue analytics read ({@link StripeObjects#pricing}). */
    private static final Pick PRICE = Pick.fields(Map.of(
            "id",
            Pick.ALL,
            "currency",
            Pick.ALL,
            "unit_amount",
            Pick.ALL,
            "recurring",
            Pick.fields(Map.of("interval", Pick.ALL, "interval_count", Pick.ALL, "usage_type", Pick.ALL))));
    /** A refund, on its own or in the list an older API version's charge embeds. */
    private static final Pick REFUND = Pick.fields(Map.of(
            "id",
            Pick.ALL,
            "object",
            Pick.ALL,
            "amount",
            Pick.ALL,
            "currency",
            Pick.ALL,
            "status",
            Pick.ALL,
            "reason",
            Pick.ALL,
            "created",
            Pick.ALL,
            "charge",
            ID,
            "payment_intent",
            ID,
            "customer",
            ID));
    /**
     * What {@link #decode} reads of {@code data.object}, for every kind it decodes (subscription, invoice, invoice
     * payment, payment and setup intent, charge, refund, checkout session, customer): a field added to a decoder must be added here.
     */
    static final Pick WANTED = wanted();
    /**
     * What {@link #decode} reads of {@code data.previous_attributes}: what a subscription update changed, and the
     * customer a detached payment method had (whom its event is about).
     */
    static final Pick PREVIOUS = Pick.fields(Map.of(
            "status",
            Pick.ALL,
            "cancel_at_period_end",
            Pick.ALL,
            "plan",
            ID,
            "items",
            Pick.fields(Map.of("data", Pick.first(Pick.fields(Map.of("price", ID, "plan", ID))))),
            "latest_invoice",
            ID,
            "customer",
            ID));

    /** An event's {@code data}: its object, and its {@code previous_attributes} (null when absent). */
    private record Data(JsonObject object, JsonObject previous) {}

    private StripeJson() {}

    private static Pick wanted() {
        Map<String, Pick> fields = new HashMap<>();
        for (String scalar : new String[] {
            "id",
            "object",
            "status",
            "created",
            "metadata",
            "currency",
            "url",
            // subscription
            "current_period_start",
            "current_period_end",
            "cancel_at_period_end",
            "cancel_at",
            "canceled_at",
            "ended_at",
            "trial_start",
            "trial_end",
            // invoice
            "number",
            "amount_due",
            "amount_paid",
            "amount_remaining",
            "hosted_invoice_url",
            "invoice_pdf",
            "billing_reason",
            "period_start",
            "period_end",
            "next_payment_attempt",
            // payment intent
            "amount_received",
            // charge, refund
            "amount_refunded",
            "amount",
            "reason",
            // checkout session
            "mode",
            "payment_status",
            "client_reference_id",
            "amount_total",
            "customer_email",
            // customer
            "email",
            "deleted"
        }) {
            fields.put(scalar, Pick.ALL);
        }
        for (String expandable : new String[] {
            "customer", "subscription", "payment_intent", "charge", "invoice", "latest_invoice", "payment_method"
        }) {
            fields.put(expandable, ID);
        }
        // Every item (Stripe allows 20): the plan is the first licensed one, which may follow metered ones.
        fields.put(
                "items",
                Pick.fields(Map.of(
                        "data",
                        Pick.each(Pick.fields(Map.of(
                                "price",
                                PRICE,
                                "plan",
                                ID,
                                "quantity",
                                Pick.ALL,
                                "current_period_start",
                                Pick.ALL,
                                "current_period_end",
                                Pick.ALL))))));
        // A subscription's discounts: ids in a webhook (their coupons unknown), objects when expanded; "discount"
        // before the 2024 API versions, with its coupon inside.
        fields.put(
                "discounts",
                Pick.first(Pick.fields(Map.of("source", Pick.fields(Map.of("coupon", COUPON)), "coupon", COUPON))));
        fields.put("discount", Pick.fields(Map.of("coupon", COUPON)));
        fields.put("parent", Pick.fields(Map.of("subscription_details", Pick.fields(Map.of("subscription", ID)))));
        fields.put("customer_details", Pick.fields(Map.of("email", Pick.ALL)));
        fields.put("refunds", Pick.fields(Map.of("data", Pick.each(REFUND))));
        // An invoice payment's payment (API 2025-03-31 on): a payment intent, or a charge or payment record.
        fields.put("payment", Pick.fields(Map.of("type", Pick.ALL, "payment_intent", ID)));
        // An invoice's tax (API 2025-03-31 on): the sum of total_taxes, and whether Stripe Tax was asked at all.
        fields.put("total_taxes", Pick.each(Pick.fields(Map.of("amount", Pick.ALL))));
        fields.put("automatic_tax", Pick.fields(Map.of("enabled", Pick.ALL)));
        return Pick.fields(Map.copyOf(fields));
    }

    /**
     * @throws WebhookRejectedException {@code MALFORMED_PAYLOAD} when the payload or its object cannot be read
     */
    static EventObject decode(StripeEvent event) {
        Data data = data(event.payload());
        return decode(event, data.object(), data.previous());
    }

    /**
     * Decodes {@code object}: the event's {@code data.object} as a tree, whole or as {@link #WANTED} keeps it, with
     * its {@code previous_attributes} (null when it has none), whole or as {@link #PREVIOUS} keeps them.
     */
    static EventObject decode(StripeEvent event, JsonObject object, JsonObject previous) {
        SourceVersion version = SourceVersion.snapshot(event.created());
        String type = event.type();
        String objectType = null;
        try {
            objectType = text(object, "object");
            String id = text(object, "id");
            if (type.startsWith("customer.subscription.") && "subscription".equals(objectType)) {
                return new EventObject.OfSubscription(
                        StripeSubscriptionJson.subscription(object, version),
                        StripeSubscriptionJson.change(object, previous),
                        StripeSubscriptionJson.couponsUnknown(object));
            }
            if (type.startsWith("invoice.") && "invoice".equals(objectType)) {
                // invoice.upcoming describes an invoice that does not exist yet: it has no id.
                return id == null
                        ? StripeInvoiceJson.upcomingInvoice(object)
                        : new EventObject.OfInvoice(
                                StripeInvoiceJson.invoice(object, version), idOf(object, "payment_intent"));
            }
            if (type.startsWith("invoice_payment.") && "invoice_payment".equals(objectType)) {
                return new EventObject.OfInvoicePayment(
                        required(id, "id"),
                        required(idOf(object, "invoice"), "invoice"),
                        idOf(object(object, "payment"), "payment_intent"));
            }
            if (type.startsWith("payment_intent.") && "payment_intent".equals(objectType)) {
                String customer = idOf(object, "customer");
                Long received = integer(object, "amount_received");
                return new EventObject.OfPaymentIntent(
                        required(id, "id"),
                        customer == null ? null : CustomerId.of(customer),
                        required(text(object, "status"), "status"),
                        received == null ? null : new Money(received, required(text(object, "currency"), "currency")),
                        metadata(object));
            }
            if (type.startsWith("setup_intent.") && "setup_intent".equals(objectType)) {
                String customer = idOf(object, "customer");
                return new EventObject.OfSetupIntent(
                        required(id, "id"),
                        customer == null ? null : CustomerId.of(customer),
                        required(text(object, "status"), "status"),
                        idOf(object, "payment_method"),
                        metadata(object));
            }
            if (type.equals("charge.refunded") && "charge".equals(objectType)) {
                String customer = idOf(object, "customer");
                CustomerId customerId = customer == null ? null : CustomerId.of(customer);
                return new EventObject.OfCharge(
                        required(id, "id"),
                        customerId,
                        new Money(amount(object, "amount_refunded"), required(text(object, "currency"), "currency")),
                        idOf(object, "payment_intent"),
                        embeddedRefunds(object, customerId, version));
            }
            if (type.startsWith("refund.") && "refund".equals(objectType)) {
                String customer = idOf(object, "customer");
                return new EventObject.OfRefund(
                        required(id, "id"),
                        customer == null ? null : refund(object, CustomerId.of(customer), null, version));
            }
            if (type.startsWith("checkout.session.") && "checkout.session".equals(objectType)) {
                Optional<CheckoutSession> session = checkoutSession(object);
                return session.isPresent()
                        ? new EventObject.OfCheckoutSession(session.get())
                        : new EventObject.Other(objectType, id);
            }
            if ((type.equals("customer.created") || type.equals("customer.updated") || type.equals("customer.deleted"))
                    && "customer".equals(objectType)) {
                return new EventObject.OfCustomer(
                        CustomerId.of(required(id, "id")),
                        userId(object),
                        text(object, "email"),
                        type.equals("customer.deleted") || flag(object, "deleted"));
            }
            if (type.startsWith("product.")
                    || type.startsWith("price.")
                    || type.startsWith("plan.")
                    || type.startsWith("coupon.")
                    || type.startsWith("promotion_code.")) {
                return new EventObject.OfCatalog(objectType, id);
            }
            return new EventObject.Other(objectType, id);
        } catch (RuntimeException e) {
            throw new WebhookRejectedException(
                    Reason.MALFORMED_PAYLOAD,
                    "Event " + event.id() + " (" + type + ") carries a " + objectType + " that cannot be decoded: "
                            + e.getMessage());
        }
    }

    /**
     * The refunds a charge lists (API versions before 2022-11-15 embed them; later ones leave {@code refunds} out
     * unless expanded), empty for a guest's charge: the projection keeps customers' refunds only.
     */
    private static List<PaymentRefund> embeddedRefunds(JsonObject charge, CustomerId customer, SourceVersion version) {
        JsonObject list = object(charge, "refunds");
        JsonElement data = list == null ? null : list.get("data");
        if (customer == null || data == null || !data.isJsonArray()) {
            return List.of();
        }
        List<PaymentRefund> refunds = new ArrayList<>();
        for (JsonElement r : data.getAsJsonArray()) {
            if (r.isJsonObject()) {
                refunds.add(refund(r.getAsJsonObject(), customer, text(charge, "id"), version));
            }
        }
        return refunds;
    }

    /** A refund of the customer's payment; {@code chargeId} stands in when the refund does not name its charge. */
    static PaymentRefund refund(JsonObject r, CustomerId customer, String chargeId, SourceVersion version) {
        String charge = idOf(r, "charge");
        return new PaymentRefund(
                required(text(r, "id"), "id"),
                customer,
                charge == null ? chargeId : charge,
                idOf(r, "payment_intent"),
                amount(r, "amount"),
                required(text(r, "currency"), "currency"),
                required(text(r, "status"), "status"),
                text(r, "reason"),
                required(instant(r, "created"), "created"),
                version,
                StripeRefunds.AUDITED_BY_REQUEST.equals(metadata(r).get(StripeRefunds.AUDITED_BY)));
    }

    /** Empty for a mode this code does not know. */
    static Optional<CheckoutSession> checkoutSession(JsonObject s) {
        Optional<CheckoutMode> mode = CheckoutMode.parse(text(s, "mode"));
        if (mode.isEmpty()) {
            return Optional.empty();
        }
        String customer = idOf(s, "customer");
        return Optional.of(new CheckoutSession(
                required(text(s, "id"), "id"),
                text(s, "url"),
                mode.get(),
                customer == null ? null : CustomerId.of(customer),
                idOf(s, "subscription"),
                idOf(s, "payment_intent"),
                text(s, "status"),
                text(s, "payment_status"),
                text(s, "client_reference_id"),
                integer(s, "amount_total"),
                text(s, "currency"),
                metadata(s),
                buyerEmail(s)));
    }

    /** What the buyer typed on Checkout's page ({@code customer_details.email}), else the prefilled email. */
    private static String buyerEmail(JsonObject s) {
        JsonObject details = object(s, "customer_details");
        String typed = details == null ? null : text(details, "email");
        return typed != null ? typed : text(s, "customer_email");
    }

    // ---------------------------------------------------------------- reading

    /**
     * Parses the payload (strictly) and returns {@code data.object} as a tree holding only the fields the decoders
     * read ({@link #WANTED}); everything else, in the event and in the object, is checked and skipped without building
     * a tree. A 4 KB subscription event keeps about 20 values instead of several hundred. The event was read once
     * already to be verified ({@link StripeEventReader}); this second pass is kept to the bare minimum.
     */
    static JsonObject dataObject(String payload) {
        return data(payload).object();
    }

    private static Data data(String payload) {
        Data object = null;
        try (JsonReader reader = new JsonReader(new StringReader(payload))) {
            reader.setLenient(false);
            if (reader.peek() == JsonToken.BEGIN_OBJECT) {
                reader.beginObject();
                while (reader.hasNext()) {
                    if (reader.nextName().equals("data") && reader.peek() == JsonToken.BEGIN_OBJECT) {
                        object = dataOf(reader); // a repeated "data" was refused when the event was verified
                    } else {
                        reader.skipValue();
                    }
                }
                reader.endObject();
            } else {
                reader.skipValue();
            }
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new WebhookRejectedException(Reason.MALFORMED_PAYLOAD, "The event has content after its end.");
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof WebhookRejectedException rejected) {
                throw rejected;
            }
            throw new WebhookRejectedException(Reason.MALFORMED_PAYLOAD, "The event payload is not valid JSON.");
        }
        if (object == null || object.object() == null) {
            throw new WebhookRejectedException(Reason.MALFORMED_PAYLOAD, "The event has no data.object.");
        }
        return object;
    }

    /** {@code data}'s {@code object} (the last one if repeated; null when not an object) and previous attributes. */
    private static Data dataOf(JsonReader reader) throws IOException {
        JsonObject object = null;
        JsonObject previous = null;
        reader.beginObject();
        while (reader.hasNext()) {
            String name = reader.nextName();
            if (name.equals("object")) {
                JsonElement value = WANTED.read(reader);
                object = value.isJsonObject() ? value.getAsJsonObject() : null;
            } else if (name.equals("previous_attributes")) {
                JsonElement value = PREVIOUS.read(reader);
                previous = value.isJsonObject() ? value.getAsJsonObject() : null;
            } else {
                reader.skipValue();
            }
        }
        reader.endObject();
        return new Data(object, previous);
    }

    private static UserId userId(JsonObject customer) {
        String value = metadata(customer).get("user_id");
        try {
            return value == null ? null : UserId.of(value);
        } catch (IllegalArgumentException notAUserId) {
            return null;
        }
    }

    static JsonObject object(JsonObject parent, String name) {
        if (parent == null) {
            return null;
        }
        JsonElement e = parent.get(name);
        return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
    }

    /** A string field; null when absent or JSON null; an error for any other type. */
    static String text(JsonObject o, String name) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            return e.getAsString();
        }
        throw new IllegalArgumentException(name + " is not a string");
    }

    /** An id field that may be expanded into its object. */
    static String idOf(JsonObject o, String name) {
        if (o == null) {
            return null;
        }
        JsonElement e = o.get(name);
        if (e != null && e.isJsonObject()) {
            return text(e.getAsJsonObject(), "id");
        }
        return text(o, name);
    }

    static Long integer(JsonObject o, String name) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            try {
                return new BigDecimal(e.getAsJsonPrimitive().getAsString()).longValueExact();
            } catch (ArithmeticException | NumberFormatException notAnInteger) {
                throw new IllegalArgumentException(name + " is not an integer");
            }
        }
        throw new IllegalArgumentException(name + " is not a number");
    }

    static long amount(JsonObject o, String name) {
        Long value = integer(o, name);
        return value == null ? 0 : value;
    }

    static Instant instant(JsonObject o, String name) {
        Long seconds = integer(o, name);
        return seconds == null ? null : Instant.ofEpochSecond(seconds);
    }

    static boolean flag(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean() && e.getAsBoolean();
    }

    static Map<String, String> metadata(JsonObject o) {
        JsonObject metadata = object(o, "metadata");
        if (metadata == null || metadata.size() == 0) {
            return Map.of();
        }
        Map<String, String> values = new HashMap<>();
        for (Map.Entry<String, JsonElement> entry : metadata.entrySet()) {
            JsonElement value = entry.getValue();
            if (value instanceof JsonPrimitive primitive) {
                values.put(entry.getKey(), primitive.getAsString());
            }
        }
        return values;
    }

    static <T> T required(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return value;
    }
}
