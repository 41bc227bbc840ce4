package dev.billing.emulator.resource;

import dev.billing.emulator.CheckoutCompletion;
import dev.billing.emulator.service.CardCharges;
import dev.billing.emulator.service.Cards;
import dev.billing.emulator.service.CheckoutExpiry;
import dev.billing.emulator.service.CustomerAccounts;
import dev.billing.emulator.service.Discounts;
import dev.billing.emulator.service.PaymentAttempt;
import dev.billing.emulator.service.Products;
import dev.billing.emulator.service.SubscriptionItems;
import dev.billing.emulator.service.SubscriptionItems.ItemSpec;
import dev.billing.emulator.service.SubscriptionLifecycle;
import dev.billing.emulator.service.SubscriptionShape;
import dev.billing.emulator.service.Taxes;
import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.state.Ids;
import dev.billing.emulator.state.Lists;
import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.Json;
import dev.billing.emulator.wire.Params;
import dev.billing.emulator.wire.Routes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Checkout sessions: creation, hosted completion (success or declined card), expiry. */
public final class Checkout {
    private static final long DEFAULT_EXPIRY = 24L * 3600;

    private final EmulatorState s;
    private final CustomerAccounts accounts;
    private final Products products;
    private final SubscriptionItems subscriptionItems;
    private final Discounts discounts;
    private final SubscriptionLifecycle lifecycle;
    private final CardCharges charges;

    public Checkout(
            EmulatorState state,
            CustomerAccounts accounts,
            Products products,
            SubscriptionItems subscriptionItems,
            Discounts discounts,
            SubscriptionLifecycle lifecycle,
            CardCharges charges) {
        this.s = state;
        this.accounts = accounts;
        this.products = products;
        this.subscriptionItems = subscriptionItems;
        this.discounts = discounts;
        this.lifecycle = lifecycle;
        this.charges = charges;
    }

    public void register(Routes r) {
        r.add(
                "POST",
                "/v1/checkout/sessions",
                c -> s.render(create(c.params()), c.params().expand()));
        r.add("GET", "/v1/checkout/sessions", c -> list(c.params()));
        r.add(
                "GET",
                "/v1/checkout/sessions/{id}",
                c -> s.render(
                        s.store.require("checkout.session", c.var("id"), "session"),
                        c.params().expand()));
        r.add("GET", "/v1/checkout/sessions/{id}/line_items", c -> {
            s.store.require("checkout.session", c.var("id"), "session");
            return lineItemsList(s, c.var("id"), c.params());
        });
        r.add("POST", "/v1/checkout/sessions/{id}/expire", c -> {
            Map<String, Object> session = s.store.require("checkout.session", c.var("id"), "session");
            if (!"open".equals(session.get("status"))) {
                throw ApiError.invalid("Only Checkout Sessions with a status in [\"open\"] can be expired.", null);
            }
            CheckoutExpiry.expire(s, session);
            return s.render(session, c.params().expand());
        });
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> create(Params p) {
        String mode = p.oneOf("mode", null, "payment", "subscription", "setup");
        if (mode == null) {
            throw ApiError.missingParam("mode");
        }
        String customerId = p.strOrNull("customer");
        String customerEmail = p.strOrNull("customer_email");
        if (customerId != null && customerEmail != null) {
            throw ApiError.invalid(
                    "You may only specify one of these parameters: customer, customer_email.", "customer_email");
        }
        if (customerId != null) {
            s.store.require("customer", customerId, "customer");
        }
        List<Params> lineParams = p.subList("line_items");
        if (!"setup".equals(mode) && lineParams.isEmpty()) {
            throw ApiError.invalid("line_items is required in " + mode + " mode.", "line_items");
        }
        List<ItemSpec> specs = subscriptionItems.itemSpecs(lineParams, false);
        boolean anyRecurring = specs.stream().anyMatch(sp -> SubscriptionShape.recurringOf(sp.price()) != null);
        if ("subscription".equals(mode) && !anyRecurring) {
            throw ApiError.invalid(
                    "You must provide at least one recurring price in `subscription` mode " + "when using prices.",
                    "line_items");
        }
        if ("payment".equals(mode) && anyRecurring) {
            throw ApiError.invalid(
                    "You specified `payment` mode but passed a recurring price. Either "
                            + "switch to `subscription` mode or use only one-time prices.",
                    "line_items");
        }
        List<Params> discountParams = p.subList("discounts");
        if (!discountParams.isEmpty() && p.bool("allow_promotion_codes", false)) {
            throw ApiError.invalid(
                    "You may only specify one of these parameters: allow_promotion_codes, " + "discounts.",
                    "discounts");
        }
        Params subData = p.sub("subscription_data");
        Long trialDays = subData == null ? null : subData.lng("trial_period_days");
        Long trialEnd = subData == null ? null : subData.lng("trial_end");
        if (subData != null && !"subscription".equals(mode)) {
            throw ApiError.invalid(
                    "You can only specify `subscription_data` in `subscription` mode.", "subscription_data");
        }
        if (trialDays != null && trialDays < 1) {
            throw ApiError.invalid("The trial period must be at least 1 day.", "subscription_data[trial_period_days]");
        }
        String currency = specs.isEmpty()
                ? p.strOrNull("currency")
                : (String) specs.get(0).price().get("currency");
        long now = s.now();
        String id = Ids.next("cs_test");

        List<Map<String, Object>> couponsAndPromos = new ArrayList<>();
        Map<String, Object> coupon = null;
        for (Params d : discountParams) {
            String couponId = d.strOrNull("coupon");
            String promo = d.strOrNull("promotion_code");
            if (promo != null) {
                Map<String, Object> pc = discounts.promotionCode(promo, d.name("promotion_code"));
                couponId = (String) ((Map<String, Object>) pc.get("promotion")).get("coupon");
                promo = (String) pc.get("id");
            }
            if (couponId == null) {
                throw ApiError.missingParam(d.name("coupon"));
            }
            coupon = s.store.require("coupon", couponId, d.name("coupon"));
            couponsAndPromos.add(Json.obj("coupon", couponId, "promotion_code", promo));
        }

        List<Map<String, Object>> items = new ArrayList<>();
        long subtotal = 0;
        boolean trial = trialDays != null || trialEnd != null;
        for (ItemSpec spec : specs) {
            long qty = spec.quantity() == null ? 1 : spec.quantity();
            boolean meteredItem = spec.quantity() == null;
            boolean recurring = SubscriptionShape.recurringOf(spec.price()) != null;
            long amount = meteredItem || (trial && recurring)
                    ? 0
                    : (Long) spec.price().get("unit_amount") * qty;
            subtotal += amount;
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", Ids.next("li"));
            item.put("object", "item");
            item.put("adjustable_quantity", null);
            item.put("amount_discount", 0L);
            item.put("amount_subtotal", amount);
            item.put("amount_tax", 0L);
            item.put("amount_total", amount);
            item.put("currency", spec.price().get("currency"));
            item.put("description", products.productName(spec.price()));
            item.put("metadata", new LinkedHashMap<String, Object>());
            item.put("price", Json.deepCopy(spec.price()));
            item.put("quantity", meteredItem ? null : qty);
            items.add(item);
        }
        long discount = 0;
        if (coupon != null && subtotal > 0) {
            Object pct = coupon.get("percent_off");
            discount = pct != null
                    ? Math.round(subtotal * ((Number) pct).doubleValue() / 100.0)
                    : Math.min(subtotal, (Long) coupon.get("amount_off"));
        }
        boolean automaticTax = Taxes.requested(p);
        Params customerUpdate = p.sub("customer_update");
        String saveAddress = customerUpdate == null ? null : customerUpdate.strOrNull("address");
        if (automaticTax
                && customerId != null
                && s.store.get(customerId).get("address") == null
                && !"auto".equals(saveAddress)) {
            // Stripe's own refusal: the tax needs an address, and the page may only save one when allowed.
            throw ApiError.invalid(
                    "Automatic tax calculation in Checkout requires a valid address on the Customer. "
                            + "Add a valid address to the Customer or set `customer_update[address]` to 'auto' to save the "
                            + "address entered in Checkout to the Customer.",
                    "automatic_tax[enabled]");
        }
        long tax = automaticTax && !"setup".equals(mode) ? Taxes.tax(subtotal - discount, s.taxRatePercent()) : 0;
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("id", id);
        session.put("object", "checkout.session");
        session.put("adaptive_pricing", Json.obj("enabled", false));
        session.put("after_expiration", null);
        session.put("allow_promotion_codes", p.bool("allow_promotion_codes"));
        session.put("amount_subtotal", "setup".equals(mode) ? null : subtotal);
        session.put("amount_total", "setup".equals(mode) ? null : subtotal - discount + tax);
        session.put("automatic_tax", Taxes.sessionField(automaticTax));
        session.put("billing_address_collection", p.strOrNull("billing_address_collection"));
        session.put("cancel_url", p.strOrNull("cancel_url"));
        session.put("client_reference_id", p.strOrNull("client_reference_id"));
        session.put("client_secret", null);
        session.put("collected_information", null);
        session.put("consent", null);
        session.put("consent_collection", null);
        session.put("created", now);
        session.put("currency", currency);
        session.put("currency_conversion", null);
        session.put("custom_fields", new ArrayList<>());
        session.put(
                "custom_text",
                Json.obj(
                        "after_submit",
                        null,
                        "shipping_address",
                        null,
                        "submit",
                        null,
                        "terms_of_service_acceptance",
                        null));
        session.put("customer", customerId);
        session.put(
                "customer_creation",
                customerId != null || "subscription".equals(mode)
                        ? null
                        : p.oneOf("customer_creation", "if_required", "if_required", "always"));
        session.put("customer_account", null);
        session.put(
                "customer_details",
                customerId == null && customerEmail == null
                        ? null
                        : customerDetails(
                                customerEmail != null
                                        ? customerEmail
                                        : s.store.get(customerId).get("email"),
                                null));
        session.put("customer_email", customerEmail);
        session.put("discounts", couponsAndPromos.isEmpty() ? new ArrayList<>() : couponsAndPromos);
        session.put("expires_at", p.lng("expires_at", now + DEFAULT_EXPIRY));
        session.put("integration_identifier", null);
        session.put("invoice", null);
        session.put(
                "invoice_creation", "payment".equals(mode) ? Json.obj("enabled", false, "invoice_data", null) : null);
        session.put("livemode", false);
        session.put("locale", p.strOrNull("locale"));
        session.put("metadata", Params.metadataFrom(p, "metadata"));
        session.put("mode", mode);
        session.put("payment_intent", null);
        session.put("origin_context", null);
        session.put("payment_link", null);
        session.put("payment_method_collection", "subscription".equals(mode) ? "always" : null);
        session.put("payment_method_configuration_details", null);
        session.put("payment_method_options", new LinkedHashMap<String, Object>());
        List<String> pmTypes = p.strList("payment_method_types");
        session.put(
                "payment_method_types",
                pmTypes.isEmpty() ? new ArrayList<>(List.of("card")) : new ArrayList<>(pmTypes));
        session.put("payment_status", "setup".equals(mode) ? "no_payment_required" : "unpaid");
        session.put("permissions", null);
        session.put("phone_number_collection", Json.obj("enabled", false));
        session.put("recovered_from", null);
        session.put("saved_payment_method_options", null);
        session.put("setup_intent", null);
        session.put("shipping_address_collection", null);
        session.put("shipping_cost", null);
        session.put("shipping_options", new ArrayList<>());
        session.put("status", "open");
        session.put("submit_type", p.strOrNull("submit_type"));
        session.put("subscription", null);
        session.put("success_url", p.strOrNull("success_url"));
        session.put(
                "total_details",
                "setup".equals(mode)
                        ? null
                        : Json.obj("amount_discount", discount, "amount_shipping", 0L, "amount_tax", tax));
        session.put("ui_mode", p.oneOf("ui_mode", "hosted", "hosted", "embedded", "custom"));
        session.put("url", s.hostedBase() + "/checkout/" + id);
        session.put("wallet_options", null);
        session.put(
                "tax_id_collection",
                Json.obj(
                        "enabled",
                        p.sub("tax_id_collection") != null
                                && p.sub("tax_id_collection").bool("enabled", false),
                        "required",
                        "never"));
        session.put("_line_items", items);
        session.put("_trial_days", trialDays);
        session.put("_trial_end", trialEnd);
        session.put("_sub_metadata", subData == null ? null : Params.metadataFrom(subData, "metadata"));
        session.put("_sub_description", subData == null ? null : subData.strOrNull("description"));
        Params piData = p.sub("payment_intent_data");
        session.put("_pi_metadata", piData == null ? null : Params.metadataFrom(piData, "metadata"));
        session.put("_pi_description", piData == null ? null : piData.strOrNull("description"));
        session.put("_pi_sfu", piData == null ? null : piData.strOrNull("setup_future_usage"));
        s.store.put(session);
        return session;
    }

    /** What the session knows of the customer who pays: no business, tax ids or address collected. */
    private static Map<String, Object> customerDetails(Object email, Object name) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("address", null);
        details.put("business_name", null);
        details.put("email", email);
        details.put("individual_name", null);
        details.put("name", name);
        details.put("phone", null);
        details.put("tax_exempt", "none");
        details.put("tax_ids", new ArrayList<>());
        return details;
    }

    private Map<String, Object> list(Params p) {
        String customer = p.strOrNull("customer");
        String subscription = p.strOrNull("subscription");
        String pi = p.strOrNull("payment_intent");
        String status = p.strOrNull("status");
        return Lists.page(
                s,
                "/v1/checkout/sessions",
                s.store.newestFirst(
                        "checkout.session",
                        o -> (customer == null || customer.equals(o.get("customer")))
                                && (subscription == null || subscription.equals(o.get("subscription")))
                                && (pi == null || pi.equals(o.get("payment_intent")))
                                && (status == null || status.equals(o.get("status")))),
                p);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> lineItemsList(EmulatorState s, String sessionId, Params params) {
        Map<String, Object> session = s.store.get(sessionId);
        List<Map<String, Object>> items = (List<Map<String, Object>>) session.get("_line_items");
        return Lists.page(s, "/v1/checkout/sessions/" + sessionId + "/line_items", items, params);
    }

    /**
     * Completes an open session the way a customer paying on Stripe's page would. With
     * {@code declineCode} set, the card is declined: payment failure events are emitted and the
     * session stays open (as on Stripe, the customer may retry).
     */
    @SuppressWarnings("unchecked")
    public CheckoutCompletion complete(String sessionId, String declineCode, String cardNumber, String promotionCode) {
        Map<String, Object> session = s.store.require("checkout.session", sessionId, "session");
        if (!"open".equals(session.get("status"))) {
            throw ApiError.invalid(
                    "checkout_session_not_open",
                    "This Checkout Session is no longer " + "open (status: " + session.get("status") + ").",
                    null);
        }
        String mode = (String) session.get("mode");
        List<Map<String, Object>> items = (List<Map<String, Object>>) session.get("_line_items");

        List<String> discountIds = new ArrayList<>();
        String customerId = (String) session.get("customer");
        if (promotionCode != null) {
            if (!Boolean.TRUE.equals(session.get("allow_promotion_codes"))) {
                throw ApiError.invalid("This session does not allow promotion codes.", "promotion_code");
            }
            Map<String, Object> pc = discounts.promotionCode(promotionCode, "promotion_code");
            String couponId = (String) ((Map<String, Object>) pc.get("promotion")).get("coupon");
            session.put(
                    "discounts",
                    new ArrayList<>(List.of(Json.obj("coupon", couponId, "promotion_code", pc.get("id")))));
        }

        Cards.Spec spec = cardNumber != null ? Cards.fromNumber(cardNumber) : Cards.VISA;
        if (declineCode != null) {
            spec = new Cards.Spec("visa", "0002", declineCode);
        }
        Map<String, Object> customer = customerId == null ? null : s.store.get(customerId);
        if (customer != null && declineCode == null && spec.declineCode() == null) {
            String forced = s.consumeFailNextPayment(customerId);
            if (forced != null) {
                spec = new Cards.Spec(spec.brand(), spec.last4(), forced);
            }
        }

        long amountTotal = session.get("amount_total") == null ? 0 : (Long) session.get("amount_total");
        if (spec.declineCode() != null && !"setup".equals(mode)) {
            // The card is declined on the hosted page: no subscription, the session stays open.
            Map<String, Object> pm = Cards.paymentMethod(s, spec, null);
            PaymentAttempt attempt = charges.charge(
                    customerId,
                    (String) pm.get("id"),
                    Math.max(amountTotal, 50),
                    (String) session.get("currency"),
                    "Checkout payment",
                    null,
                    false);
            if (attempt.charge() != null) {
                s.emit("charge.failed", attempt.charge());
                s.emit("payment_intent.payment_failed", attempt.paymentIntent());
            }
            return new CheckoutCompletion(
                    sessionId,
                    "open",
                    (String) session.get("payment_status"),
                    customerId,
                    null,
                    null,
                    attempt.paymentIntent() == null
                            ? null
                            : (String) attempt.paymentIntent().get("id"),
                    (String) pm.get("id"),
                    spec.declineCode());
        }

        boolean needsCustomer = "subscription".equals(mode)
                || "setup".equals(mode)
                || "always".equals(session.get("customer_creation"));
        if (customer == null && needsCustomer) {
            Map<String, Object> details = (Map<String, Object>) session.get("customer_details");
            String email = session.get("customer_email") != null
                    ? (String) session.get("customer_email")
                    : details != null && details.get("email") != null
                            ? (String) details.get("email")
                            : "customer+" + Ids.random(6).toLowerCase(java.util.Locale.ROOT) + "@example.com";
            customer = accounts.newCustomer(email, null);
            s.store.put(customer);
            s.emit("customer.created", customer);
            customerId = (String) customer.get("id");
            session.put("customer", customerId);
        }
        Map<String, Object> pm = Cards.paymentMethod(s, spec, null);
        String pmId = (String) pm.get("id");
        session.put(
                "customer_details",
                customerDetails(
                        customer != null ? customer.get("email") : session.get("customer_email"),
                        customer != null ? customer.get("name") : null));

        String subscriptionId = null;
        String invoiceId = null;
        String paymentIntentId = null;
        switch (mode) {
            case "subscription" -> {
                accounts.attach(pmId, customerId, "payment_method");
                List<ItemSpec> recurring = new ArrayList<>();
                List<ItemSpec> oneTime = new ArrayList<>();
                for (Map<String, Object> item : items) {
                    Map<String, Object> price =
                            s.store.get((String) ((Map<String, Object>) item.get("price")).get("id"));
                    ItemSpec spec2 = new ItemSpec(price, (Long) item.get("quantity"), null);
                    (SubscriptionShape.recurringOf(price) != null ? recurring : oneTime).add(spec2);
                }
                Long trialEnd = (Long) session.get("_trial_end");
                Long trialDays = (Long) session.get("_trial_days");
                if (trialEnd == null && trialDays != null) {
                    trialEnd = s.now() + trialDays * 86400;
                }
                for (Map<String, Object> d : (List<Map<String, Object>>) session.get("discounts")) {
                    Map<String, Object> coupon = s.store.get((String) d.get("coupon"));
                    Map<String, Object> discount =
                            discounts.newDiscount(coupon, (String) d.get("promotion_code"), customerId);
                    discount.put("checkout_session", sessionId);
                    discountIds.add((String) discount.get("id"));
                }
                Map<String, Object> metadata = (Map<String, Object>) session.get("_sub_metadata");
                Map<String, Object> sub = lifecycle.createSubscription(
                        customer,
                        recurring,
                        oneTime,
                        trialEnd,
                        metadata == null ? null : Json.deepCopy(metadata),
                        pmId,
                        discountIds,
                        "allow_incomplete",
                        "charge_automatically",
                        null,
                        (String) session.get("_sub_description"),
                        Taxes.enabled(session));
                subscriptionId = (String) sub.get("id");
                invoiceId = (String) sub.get("latest_invoice");
                Map<String, Object> invoice = s.store.get(invoiceId);
                for (Map<String, Object> ip : s.store.all("invoice_payment")) {
                    if (invoiceId.equals(ip.get("invoice"))) {
                        paymentIntentId = (String) ((Map<String, Object>) ip.get("payment")).get("payment_intent");
                    }
                }
                session.put("subscription", subscriptionId);
                session.put("invoice", invoiceId);
                session.put("amount_total", invoice.get("total"));
                session.put("payment_status", (Long) invoice.get("amount_due") == 0 ? "no_payment_required" : "paid");
            }
            case "payment" -> {
                Map<String, Object> piMetadata = (Map<String, Object>) session.get("_pi_metadata");
                if (customerId != null && session.get("_pi_sfu") != null) {
                    accounts.attach(pmId, customerId, "payment_method");
                }
                PaymentAttempt attempt = charges.charge(
                        customerId,
                        pmId,
                        amountTotal,
                        (String) session.get("currency"),
                        (String) session.get("_pi_description"),
                        piMetadata == null ? null : Json.deepCopy(piMetadata));
                if (attempt.paymentIntent() != null) {
                    paymentIntentId = (String) attempt.paymentIntent().get("id");
                    session.put("payment_intent", paymentIntentId);
                    s.emit("charge.succeeded", attempt.charge());
                    s.emit("payment_intent.succeeded", attempt.paymentIntent());
                }
                session.put("payment_status", amountTotal == 0 ? "no_payment_required" : "paid");
            }
            default -> {
                Map<String, Object> si = setupIntentFor(customerId);
                accounts.confirmSetupIntent((String) si.get("id"), pmId, null);
                session.put("setup_intent", si.get("id"));
                session.put("payment_status", "no_payment_required");
            }
        }
        session.put("status", "complete");
        session.put("url", null);
        s.emit("checkout.session.completed", session);
        return new CheckoutCompletion(
                sessionId,
                "complete",
                (String) session.get("payment_status"),
                customerId,
                subscriptionId,
                invoiceId,
                paymentIntentId,
                pmId,
                null);
    }

    private Map<String, Object> setupIntentFor(String customerId) {
        return accounts.newSetupIntent(customerId, null, null, null, "off_session");
    }
}
