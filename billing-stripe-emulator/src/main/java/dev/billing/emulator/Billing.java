package dev.billing.emulator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Subscriptions, invoices, payment intents, charges and refunds, plus what emulated time does to
 * them (renewals, trial ends, cancellations at period end).
 */
final class Billing {
  private static final long TRIAL_WILL_END_LEAD = 3L * 24 * 3600;

  private final EmulatorState s;
  private final Catalog catalog;
  private Customers customers;

  Billing(EmulatorState state, Catalog catalog) {
    this.s = state;
    this.catalog = catalog;
  }

  void customers(Customers value) {
    this.customers = value;
  }

  /** Result of one payment attempt (no events emitted yet). */
  record Attempt(
      boolean succeeded,
      Map<String, Object> paymentIntent,
      Map<String, Object> charge,
      String declineCode,
      String message,
      boolean noPaymentMethod) {}

  /** A requested subscription item. */
  record ItemSpec(Map<String, Object> price, Long quantity, Map<String, Object> metadata) {}

  void register(Router r) {
    r.add("POST", "/v1/subscriptions", c -> createSubscriptionFromApi(c.params()));
    r.add("GET", "/v1/subscriptions", c -> listSubscriptions(c.params()));
    r.add("GET", "/v1/subscriptions/{id}", c -> s.render(
        s.store.require("subscription", c.var("id"), "id"), c.params().expand()));
    r.add("POST", "/v1/subscriptions/{id}", c -> updateSubscription(c.var("id"), c.params()));
    r.add("DELETE", "/v1/subscriptions/{id}", c -> {
      Map<String, Object> sub = s.store.require("subscription", c.var("id"), "id");
      if ("canceled".equals(sub.get("status"))) {
        throw ApiError.invalid("A canceled subscription can only update its cancellation_details "
            + "and metadata.", null);
      }
      cancelNow(sub, "cancellation_requested");
      return s.render(sub, c.params().expand());
    });
    r.add("GET", "/v1/subscription_items", c -> {
      String subId = c.params().requireStr("subscription");
      Map<String, Object> sub = s.store.require("subscription", subId, "subscription");
      List<Map<String, Object>> items = new ArrayList<>(itemsOf(sub));
      java.util.Collections.reverse(items);
      return Lists.page(s, "/v1/subscription_items", items, c.params());
    });
    r.add("GET", "/v1/subscription_items/{id}", c -> s.render(
        s.store.require("subscription_item", c.var("id"), "id"), c.params().expand()));

    r.add("GET", "/v1/invoices", c -> listInvoices(c.params()));
    r.add("GET", "/v1/invoices/{id}", c -> s.render(
        s.store.require("invoice", c.var("id"), "id"), c.params().expand()));
    r.add("GET", "/v1/invoices/{id}/lines", c -> {
      Map<String, Object> inv = s.store.require("invoice", c.var("id"), "id");
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> lines = (List<Map<String, Object>>) linesOf(inv).get("data");
      Map<String, Object> page = Lists.page(s, "/v1/invoices/" + c.var("id") + "/lines",
          new ArrayList<>(lines), c.params());
      return page;
    });
    r.add("POST", "/v1/invoices/{id}/pay", c -> payInvoiceFromApi(c.var("id"), c.params()));
    r.add("POST", "/v1/invoices/{id}/void", c -> voidInvoice(c.var("id")));
    r.add("GET", "/v1/invoice_payments", c -> {
      String invoice = c.params().strOrNull("invoice");
      Params payment = c.params().sub("payment");
      String pi = payment == null ? null : payment.strOrNull("payment_intent");
      return Lists.page(s, "/v1/invoice_payments", s.store.newestFirst("invoice_payment", o ->
          (invoice == null || invoice.equals(o.get("invoice")))
              && (pi == null || pi.equals(paymentOf(o).get("payment_intent")))), c.params());
    });
    r.add("GET", "/v1/invoice_payments/{id}", c -> s.render(
        s.store.require("invoice_payment", c.var("id"), "id"), c.params().expand()));

    r.add("POST", "/v1/payment_intents", c -> createPaymentIntent(c.params()));
    r.add("GET", "/v1/payment_intents", c -> {
      String customer = c.params().strOrNull("customer");
      return Lists.page(s, "/v1/payment_intents", s.store.newestFirst("payment_intent",
          o -> customer == null || customer.equals(o.get("customer"))), c.params());
    });
    r.add("GET", "/v1/payment_intents/{id}", c -> s.render(
        s.store.require("payment_intent", c.var("id"), "intent"), c.params().expand()));
    r.add("POST", "/v1/payment_intents/{id}/confirm", c -> confirmPaymentIntent(
        s.store.require("payment_intent", c.var("id"), "intent"), c.params()));
    r.add("POST", "/v1/payment_intents/{id}/cancel", c -> {
      Map<String, Object> pi = s.store.require("payment_intent", c.var("id"), "intent");
      if ("succeeded".equals(pi.get("status")) || "canceled".equals(pi.get("status"))) {
        throw ApiError.invalid("payment_intent_unexpected_state", "You cannot cancel this "
            + "PaymentIntent because it has a status of " + pi.get("status") + ".", null);
      }
      Map<String, Object> before = Json.deepCopy(pi);
      pi.put("status", "canceled");
      pi.put("canceled_at", s.now());
      pi.put("cancellation_reason", c.params().strOrNull("cancellation_reason"));
      s.emit("payment_intent.canceled", pi, EmulatorState.diff(before, pi));
      return s.render(pi, c.params().expand());
    });

    r.add("GET", "/v1/charges", c -> {
      String customer = c.params().strOrNull("customer");
      String pi = c.params().strOrNull("payment_intent");
      return Lists.page(s, "/v1/charges", s.store.newestFirst("charge",
          o -> (customer == null || customer.equals(o.get("customer")))
              && (pi == null || pi.equals(o.get("payment_intent")))), c.params());
    });
    r.add("GET", "/v1/charges/{id}", c -> s.render(
        s.store.require("charge", c.var("id"), "charge"), c.params().expand()));

    r.add("POST", "/v1/refunds", c -> s.render(createRefund(c.params()), c.params().expand()));
    r.add("GET", "/v1/refunds", c -> {
      String charge = c.params().strOrNull("charge");
      String pi = c.params().strOrNull("payment_intent");
      return Lists.page(s, "/v1/refunds", s.store.newestFirst("refund",
          o -> (charge == null || charge.equals(o.get("charge")))
              && (pi == null || pi.equals(o.get("payment_intent")))), c.params());
    });
    r.add("GET", "/v1/refunds/{id}", c -> s.render(
        s.store.require("refund", c.var("id"), "refund"), c.params().expand()));
  }

  // ================================================================ subscriptions

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> itemsOf(Map<String, Object> sub) {
    return (List<Map<String, Object>>) ((Map<String, Object>) sub.get("items")).get("data");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> recurringOf(Map<String, Object> price) {
    return (Map<String, Object>) price.get("recurring");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> itemPrice(Map<String, Object> item) {
    return (Map<String, Object>) item.get("price");
  }

  private static boolean metered(Map<String, Object> price) {
    Map<String, Object> rec = recurringOf(price);
    return rec != null && "metered".equals(rec.get("usage_type"));
  }

  /** Parses {@code items[n][price|quantity|metadata]} / {@code line_items[n]...} into specs. */
  List<ItemSpec> itemSpecs(List<Params> items, boolean requireRecurring) {
    List<ItemSpec> specs = new ArrayList<>();
    for (Params item : items) {
      String priceId = item.strOrNull("price");
      Map<String, Object> price;
      if (priceId != null) {
        price = s.store.require("price", priceId, item.name("price"));
      } else if (item.sub("price_data") != null) {
        price = inlinePrice(item.sub("price_data"));
      } else {
        throw ApiError.missingParam(item.name("price"));
      }
      if (!Boolean.TRUE.equals(price.get("active")) && priceId != null) {
        throw ApiError.invalid("The price specified is inactive. This field only accepts active prices.",
            item.name("price"));
      }
      if (requireRecurring && recurringOf(price) == null) {
        throw ApiError.invalid("The price specified is set to `type=one_time` but this field only "
            + "accepts prices with `type=recurring`.", item.name("price"));
      }
      Long quantity = item.lng("quantity");
      if (metered(price)) {
        if (quantity != null) {
          throw ApiError.invalid("Quantity should not be specified where usage_type is `metered`.",
              item.name("quantity"));
        }
      } else {
        quantity = quantity == null ? 1L : quantity;
        if (quantity < 0) {
          throw ApiError.invalid("Invalid quantity: must be at least 0", item.name("quantity"));
        }
      }
      specs.add(new ItemSpec(price, quantity, Params.metadataFrom(item, "metadata")));
    }
    return specs;
  }

  /** A {@code price_data} price: created inactive, like Stripe's inline prices. */
  Map<String, Object> inlinePrice(Params priceData) {
    Map<String, Object> raw = new LinkedHashMap<>(priceData.raw());
    raw.put("active", "false");
    return catalog.createPrice(new Params(raw), false);
  }

  private Map<String, Object> createSubscriptionFromApi(Params p) {
    String customerId = p.requireStr("customer");
    Map<String, Object> customer = s.store.require("customer", customerId, "customer");
    List<ItemSpec> items = itemSpecs(p.subList("items"), true);
    if (items.isEmpty()) {
      throw ApiError.missingParam("items");
    }
    Long trialEnd = null;
    String trialEndParam = p.strOrNull("trial_end");
    if (trialEndParam != null && !"now".equals(trialEndParam)) {
      trialEnd = p.lng("trial_end");
      if (trialEnd <= s.now()) {
        throw ApiError.invalid("Invalid timestamp: must be an integer Unix timestamp in the future.",
            "trial_end");
      }
    }
    Long trialDays = p.lng("trial_period_days");
    if (trialEnd == null && trialDays != null && trialDays > 0) {
      trialEnd = s.now() + trialDays * 86400;
    }
    String defaultPm = p.strOrNull("default_payment_method");
    if (defaultPm != null) {
      Map<String, Object> pm = s.store.require("payment_method", defaultPm, "default_payment_method");
      if (!customerId.equals(pm.get("customer"))) {
        throw ApiError.invalid("The PaymentMethod must be attached to the customer.",
            "default_payment_method");
      }
    }
    String behavior = p.oneOf("payment_behavior", "allow_incomplete",
        "allow_incomplete", "default_incomplete", "error_if_incomplete", "pending_if_incomplete");
    String collection = p.oneOf("collection_method", "charge_automatically",
        "charge_automatically", "send_invoice");
    List<String> discounts = discountIds(p.subList("discounts"), customerId);
    Map<String, Object> sub = createSubscription(customer, items, List.of(), trialEnd,
        Params.metadataFrom(p, "metadata"), defaultPm, discounts, behavior, collection,
        p.lng("days_until_due"), p.strOrNull("description"));
    if (p.bool("cancel_at_period_end", false)) {
      updateSubscription((String) sub.get("id"), new Params(Map.of("cancel_at_period_end", "true")));
    }
    return s.render(sub, p.expand());
  }

  /** Discount ids from {@code discounts[n][coupon|promotion_code]} (created on the fly). */
  List<String> discountIds(List<Params> discounts, String customerId) {
    List<String> ids = new ArrayList<>();
    for (Params d : discounts) {
      String couponId = d.strOrNull("coupon");
      String promo = d.strOrNull("promotion_code");
      String promoId = null;
      if (promo != null) {
        Map<String, Object> pc = catalog.promotionCode(promo, d.name("promotion_code"));
        promoId = (String) pc.get("id");
        @SuppressWarnings("unchecked")
        Map<String, Object> promotion = (Map<String, Object>) pc.get("promotion");
        couponId = (String) promotion.get("coupon");
      }
      if (couponId == null) {
        throw ApiError.missingParam(d.name("coupon"));
      }
      Map<String, Object> coupon = s.store.require("coupon", couponId, d.name("coupon"));
      ids.add((String) newDiscount(coupon, promoId, customerId).get("id"));
    }
    return ids;
  }

  Map<String, Object> newDiscount(Map<String, Object> coupon, String promoId, String customerId) {
    long now = s.now();
    Map<String, Object> discount = new LinkedHashMap<>();
    discount.put("id", Ids.next("di"));
    discount.put("object", "discount");
    discount.put("checkout_session", null);
    discount.put("customer", customerId);
    Long end = null;
    if ("repeating".equals(coupon.get("duration"))) {
      end = Periods.plus(now, "month", (Long) coupon.get("duration_in_months"), 1);
    }
    discount.put("end", end);
    discount.put("invoice", null);
    discount.put("invoice_item", null);
    discount.put("promotion_code", promoId);
    discount.put("source", Json.obj("coupon", coupon.get("id"), "type", "coupon"));
    discount.put("start", now);
    discount.put("subscription", null);
    discount.put("subscription_item", null);
    discount.put("_once", "once".equals(coupon.get("duration")));
    coupon.put("times_redeemed", ((Long) coupon.get("times_redeemed")) + 1);
    s.store.put(discount);
    return discount;
  }

  /**
   * Creates a subscription with its first invoice and payment, emitting
   * {@code customer.subscription.created}, {@code invoice.created}, {@code invoice.finalized},
   * {@code invoice.paid}, {@code invoice.payment_succeeded}, {@code charge.succeeded},
   * {@code payment_intent.succeeded} (or the failure equivalents).
   */
  Map<String, Object> createSubscription(
      Map<String, Object> customer,
      List<ItemSpec> items,
      List<ItemSpec> oneTimeItems,
      Long trialEnd,
      Map<String, Object> metadata,
      String defaultPm,
      List<String> discountIds,
      String paymentBehavior,
      String collectionMethod,
      Long daysUntilDue,
      String description) {
    Map<String, Object> firstRecurring = recurringOf(items.get(0).price());
    for (ItemSpec spec : items) {
      Map<String, Object> rec = recurringOf(spec.price());
      if (!Objects.equals(rec.get("interval"), firstRecurring.get("interval"))
          || !Objects.equals(rec.get("interval_count"), firstRecurring.get("interval_count"))) {
        throw ApiError.invalid("The price specified has an interval that does not match the other "
            + "prices on this subscription. All prices on a subscription must have the same "
            + "`recurring.interval` and `recurring.interval_count`.", "items");
      }
      if (!Objects.equals(spec.price().get("currency"), items.get(0).price().get("currency"))) {
        throw ApiError.invalid("All prices on a subscription must have the same currency.", "items");
      }
    }
    long now = s.now();
    String subId = Ids.next("sub");
    boolean trial = trialEnd != null;
    String interval = (String) firstRecurring.get("interval");
    long count = (Long) firstRecurring.get("interval_count");
    long anchor = trial ? trialEnd : now;
    long periodEnd = trial ? trialEnd : Periods.plus(anchor, interval, count, 1);

    Map<String, Object> sub = new LinkedHashMap<>();
    sub.put("id", subId);
    sub.put("object", "subscription");
    sub.put("application", null);
    sub.put("application_fee_percent", null);
    sub.put("automatic_tax", Json.obj("disabled_reason", null, "enabled", false, "liability", null));
    sub.put("billing_cycle_anchor", anchor);
    sub.put("billing_cycle_anchor_config", null);
    sub.put("billing_mode", Json.obj("flexible", null, "type", "classic", "updated_at", null));
    sub.put("billing_thresholds", null);
    sub.put("cancel_at", null);
    sub.put("cancel_at_period_end", false);
    sub.put("canceled_at", null);
    sub.put("cancellation_details", Json.obj("comment", null, "feedback", null, "reason", null));
    sub.put("collection_method", collectionMethod);
    sub.put("created", now);
    sub.put("currency", items.get(0).price().get("currency"));
    sub.put("customer", customer.get("id"));
    sub.put("customer_account", null);
    sub.put("days_until_due", "send_invoice".equals(collectionMethod)
        ? (daysUntilDue == null ? 30L : daysUntilDue) : null);
    sub.put("default_payment_method", defaultPm);
    sub.put("default_source", null);
    sub.put("default_tax_rates", new ArrayList<>());
    sub.put("description", description);
    sub.put("discounts", new ArrayList<>(discountIds));
    sub.put("ended_at", null);
    sub.put("invoice_settings", Json.obj("account_tax_ids", null, "issuer", Json.obj("type", "self")));
    Map<String, Object> itemList = new LinkedHashMap<>();
    itemList.put("object", "list");
    List<Map<String, Object>> itemData = new ArrayList<>();
    itemList.put("data", itemData);
    itemList.put("has_more", false);
    itemList.put("total_count", 0L);
    itemList.put("url", "/v1/subscription_items?subscription=" + subId);
    sub.put("items", itemList);
    sub.put("latest_invoice", null);
    sub.put("livemode", false);
    sub.put("metadata", metadata == null ? new LinkedHashMap<String, Object>() : metadata);
    sub.put("next_pending_invoice_item_invoice", null);
    sub.put("on_behalf_of", null);
    sub.put("pause_collection", null);
    sub.put("payment_settings", Json.obj("payment_method_options", null, "payment_method_types", null,
        "save_default_payment_method", "off"));
    sub.put("pending_invoice_item_interval", null);
    sub.put("pending_setup_intent", null);
    sub.put("pending_update", null);
    sub.put("schedule", null);
    sub.put("start_date", now);
    sub.put("status", trial ? "trialing" : "incomplete");
    sub.put("test_clock", null);
    sub.put("transfer_data", null);
    sub.put("trial_end", trialEnd);
    sub.put("trial_settings", Json.obj("end_behavior", Json.obj("missing_payment_method", "create_invoice")));
    sub.put("trial_start", trial ? now : null);
    sub.put("_anchor", anchor);
    sub.put("_cycle", trial ? -1L : 0L);
    sub.put("_pending_lines", new ArrayList<Map<String, Object>>());
    sub.put("_trial_will_end_sent", false);
    for (ItemSpec spec : items) {
      itemData.add(newItem(subId, spec, now, periodEnd));
    }
    itemList.put("total_count", (long) itemData.size());
    for (String discountId : discountIds) {
      Map<String, Object> discount = s.store.get(discountId);
      discount.put("subscription", subId);
    }

    String invoiceId = Ids.next("in");
    List<Map<String, Object>> lines = new ArrayList<>();
    for (Map<String, Object> item : itemData) {
      Map<String, Object> price = itemPrice(item);
      if (metered(price)) {
        continue;
      }
      long qty = (Long) item.get("quantity");
      long amount = trial ? 0 : (Long) price.get("unit_amount") * qty;
      String desc = trial ? "Trial period for " + productName(price)
          : qty + " × " + productName(price) + " (at " + Periods.money((Long) price.get("unit_amount"),
              (String) price.get("currency")) + " / " + interval + ")";
      lines.add(line(invoiceId, subId, item, price, qty, amount, now, periodEnd, desc, false));
    }
    for (ItemSpec spec : oneTimeItems) {
      long qty = spec.quantity() == null ? 1 : spec.quantity();
      lines.add(line(invoiceId, subId, null, spec.price(), qty,
          (Long) spec.price().get("unit_amount") * qty, now, now, productName(spec.price()), false));
    }
    Map<String, Object> invoice = newInvoice(invoiceId, customer, sub, "subscription_create", lines, now, now);
    sub.put("latest_invoice", invoiceId);
    s.store.put(sub);
    for (Map<String, Object> item : itemData) {
      s.store.put(item);
    }

    boolean sendInvoice = "send_invoice".equals(collectionMethod);
    long due = amountDueIfFinalized(invoice, customer);
    Attempt attempt;
    if (sendInvoice || ("default_incomplete".equals(paymentBehavior) && due > 0)) {
      attempt = null;
    } else {
      attempt = charge((String) customer.get("id"), paymentMethodFor(sub, customer), due,
          (String) invoice.get("currency"), "Subscription creation", null);
    }
    if (attempt != null && !attempt.succeeded() && "error_if_incomplete".equals(paymentBehavior)) {
      discardFailedCreation(sub, invoice);
      throw cardError(attempt);
    }
    if (!trial) {
      sub.put("status", sendInvoice || (attempt != null && attempt.succeeded()) ? "active" : "incomplete");
    }
    s.emit("customer.subscription.created", sub);
    invoiceLifecycle(invoice, attempt, true);
    if (attempt == null && !sendInvoice) {
      // default_incomplete: a payment intent awaiting confirmation, linked to the invoice.
      Map<String, Object> pi = newPaymentIntent((String) customer.get("id"), due,
          (String) invoice.get("currency"), null, "Subscription creation", null);
      pi.put("status", "requires_payment_method");
      pi.put("_invoice", invoiceId);
      s.store.put(pi);
      s.emit("payment_intent.created", pi);
    }
    return sub;
  }

  private void discardFailedCreation(Map<String, Object> sub, Map<String, Object> invoice) {
    for (Map<String, Object> item : itemsOf(sub)) {
      s.store.remove((String) item.get("id"));
    }
    s.store.remove((String) sub.get("id"));
    s.store.remove((String) invoice.get("id"));
  }

  private Map<String, Object> newItem(String subId, ItemSpec spec, long start, long end) {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("id", Ids.next("si"));
    item.put("object", "subscription_item");
    item.put("billing_thresholds", null);
    item.put("created", s.now());
    item.put("current_period_end", end);
    item.put("current_period_start", start);
    item.put("discounts", new ArrayList<>());
    item.put("metadata", spec.metadata() == null ? new LinkedHashMap<String, Object>() : spec.metadata());
    item.put("plan", plan(spec.price()));
    item.put("price", Json.deepCopy(spec.price()));
    item.put("quantity", spec.quantity());
    item.put("subscription", subId);
    item.put("tax_rates", new ArrayList<>());
    return item;
  }

  /** The legacy {@code plan} view of a recurring price, still present on subscription items. */
  static Map<String, Object> plan(Map<String, Object> price) {
    Map<String, Object> rec = recurringOf(price);
    Map<String, Object> plan = new LinkedHashMap<>();
    plan.put("id", price.get("id"));
    plan.put("object", "plan");
    plan.put("active", price.get("active"));
    plan.put("amount", price.get("unit_amount"));
    plan.put("amount_decimal", price.get("unit_amount_decimal"));
    plan.put("billing_scheme", "per_unit");
    plan.put("created", price.get("created"));
    plan.put("currency", price.get("currency"));
    plan.put("interval", rec.get("interval"));
    plan.put("interval_count", rec.get("interval_count"));
    plan.put("livemode", false);
    plan.put("metadata", Json.deepCopy(price.get("metadata")));
    plan.put("meter", rec.get("meter"));
    plan.put("nickname", price.get("nickname"));
    plan.put("product", price.get("product"));
    plan.put("tiers_mode", null);
    plan.put("transform_usage", null);
    plan.put("trial_period_days", null);
    plan.put("usage_type", rec.get("usage_type"));
    return plan;
  }

  String productName(Map<String, Object> price) {
    Map<String, Object> product = s.store.get((String) price.get("product"));
    return product == null ? String.valueOf(price.get("product")) : (String) product.get("name");
  }

  private Map<String, Object> listSubscriptions(Params p) {
    String customer = p.strOrNull("customer");
    String status = p.oneOf("status", null, "active", "all", "canceled", "ended", "incomplete",
        "incomplete_expired", "past_due", "paused", "trialing", "unpaid");
    String price = p.strOrNull("price");
    return Lists.page(s, "/v1/subscriptions", s.store.newestFirst("subscription", o -> {
      String st = (String) o.get("status");
      boolean statusOk = status == null
          ? !"canceled".equals(st) && !"incomplete_expired".equals(st)
          : "all".equals(status) || ("ended".equals(status)
              ? "canceled".equals(st) || "incomplete_expired".equals(st) : status.equals(st));
      boolean priceOk = price == null
          || itemsOf(o).stream().anyMatch(i -> price.equals(itemPrice(i).get("id")));
      return statusOk && priceOk && (customer == null || customer.equals(o.get("customer")));
    }), p);
  }

  private Map<String, Object> updateSubscription(String id, Params p) {
    Map<String, Object> sub = s.store.require("subscription", id, "id");
    String status = (String) sub.get("status");
    if ("canceled".equals(status) || "incomplete_expired".equals(status)) {
      boolean onlyMeta = p.keys().stream().allMatch(k -> k.equals("metadata")
          || k.equals("cancellation_details") || k.equals("expand"));
      if (!onlyMeta) {
        throw ApiError.invalid("A canceled subscription can only update its cancellation_details "
            + "and metadata.", null);
      }
    }
    Map<String, Object> customer = s.store.get((String) sub.get("customer"));
    Map<String, Object> before = Json.deepCopy(sub);
    long now = s.now();
    String proration = p.oneOf("proration_behavior", "create_prorations",
        "create_prorations", "none", "always_invoice");

    p.applyMetadata(sub, "metadata");
    if (p.has("description")) {
      sub.put("description", p.strOrNull("description"));
    }
    if (p.has("default_payment_method")) {
      String pmId = p.strOrNull("default_payment_method");
      if (pmId != null) {
        Map<String, Object> pm = s.store.require("payment_method", pmId, "default_payment_method");
        if (!Objects.equals(sub.get("customer"), pm.get("customer"))) {
          throw ApiError.invalid("The PaymentMethod must be attached to the customer.",
              "default_payment_method");
        }
      }
      sub.put("default_payment_method", pmId);
    }
    Params details = p.sub("cancellation_details");
    if (details != null) {
      @SuppressWarnings("unchecked")
      Map<String, Object> cd = (Map<String, Object>) sub.get("cancellation_details");
      if (details.has("comment")) {
        cd.put("comment", details.strOrNull("comment"));
      }
      if (details.has("feedback")) {
        cd.put("feedback", details.strOrNull("feedback"));
      }
    }
    if (p.has("cancel_at_period_end")) {
      boolean atPeriodEnd = p.bool("cancel_at_period_end", false);
      sub.put("cancel_at_period_end", atPeriodEnd);
      sub.put("cancel_at", atPeriodEnd ? currentPeriodEnd(sub) : null);
      sub.put("canceled_at", atPeriodEnd ? now : null);
      cancellationDetails(sub).put("reason", atPeriodEnd ? "cancellation_requested" : null);
    }
    if (p.has("cancel_at")) {
      Long cancelAt = p.lng("cancel_at");
      if (cancelAt != null && cancelAt <= now) {
        throw ApiError.invalid("Invalid timestamp: must be in the future.", "cancel_at");
      }
      sub.put("cancel_at", cancelAt);
      sub.put("cancel_at_period_end", cancelAt != null && cancelAt == currentPeriodEnd(sub));
      sub.put("canceled_at", cancelAt == null ? null : now);
      cancellationDetails(sub).put("reason", cancelAt == null ? null : "cancellation_requested");
    }

    // ---- items
    List<Params> itemParams = p.subList("items");
    List<Map<String, Object>> prorationLines = new ArrayList<>();
    boolean intervalChange = false;
    boolean trialing = "trialing".equals(status);
    long periodStart = currentPeriodStart(sub);
    long periodEnd = currentPeriodEnd(sub);
    double fraction = periodEnd > periodStart
        ? Math.max(0, Math.min(1, (periodEnd - now) / (double) (periodEnd - periodStart))) : 0;
    String pendingInvoiceId = Ids.next("in");
    for (Params ip : itemParams) {
      String itemId = ip.strOrNull("id");
      Map<String, Object> item = null;
      if (itemId != null) {
        for (Map<String, Object> candidate : itemsOf(sub)) {
          if (itemId.equals(candidate.get("id"))) {
            item = candidate;
          }
        }
        if (item == null) {
          throw ApiError.noSuch("subscription item", itemId, ip.name("id"));
        }
      }
      if (item != null && ip.bool("deleted", false)) {
        if (itemsOf(sub).size() == 1) {
          throw ApiError.invalid("A subscription must have at least one active plan. To cancel a "
              + "subscription, send a DELETE request to /v1/subscriptions/{id}.", ip.name("deleted"));
        }
        prorationLines.addAll(prorate(pendingInvoiceId, sub, item, itemPrice(item),
            qty(item), null, 0, fraction, now, periodEnd, trialing));
        itemsOf(sub).remove(item);
        s.store.remove(itemId);
        continue;
      }
      Map<String, Object> newPrice = null;
      if (ip.strOrNull("price") != null) {
        newPrice = s.store.require("price", ip.strOrNull("price"), ip.name("price"));
      } else if (ip.sub("price_data") != null) {
        newPrice = inlinePrice(ip.sub("price_data"));
      }
      if (newPrice != null && recurringOf(newPrice) == null) {
        throw ApiError.invalid("The price specified is set to `type=one_time` but this field only "
            + "accepts prices with `type=recurring`.", ip.name("price"));
      }
      if (item == null) {
        if (newPrice == null) {
          throw ApiError.missingParam(ip.name("price"));
        }
        Long quantity = metered(newPrice) ? null : ip.lng("quantity", 1);
        Map<String, Object> added = newItem(id, new ItemSpec(newPrice, quantity,
            Params.metadataFrom(ip, "metadata")), periodStart, periodEnd);
        itemsOf(sub).add(added);
        s.store.put(added);
        intervalChange |= !sameInterval(newPrice, itemsOf(sub).get(0));
        prorationLines.addAll(prorate(pendingInvoiceId, sub, added, null, 0, newPrice,
            quantity == null ? 0 : quantity, fraction, now, periodEnd, trialing));
        continue;
      }
      Map<String, Object> oldPrice = itemPrice(item);
      long oldQty = qty(item);
      Map<String, Object> targetPrice = newPrice != null ? newPrice : oldPrice;
      long newQty = metered(targetPrice) ? 0 : ip.lng("quantity", metered(oldPrice) ? 1 : oldQty);
      if (newPrice != null) {
        intervalChange |= !sameInterval(newPrice, item);
        item.put("price", Json.deepCopy(newPrice));
        item.put("plan", plan(newPrice));
      }
      item.put("quantity", metered(targetPrice) ? null : newQty);
      ip.applyMetadata(item, "metadata");
      boolean changed = newPrice != null && !Objects.equals(newPrice.get("id"), oldPrice.get("id"))
          || newQty != oldQty;
      if (changed) {
        prorationLines.addAll(prorate(pendingInvoiceId, sub, item, oldPrice, oldQty, targetPrice,
            newQty, fraction, now, periodEnd, trialing));
      }
    }
    if (!itemParams.isEmpty()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> list = (Map<String, Object>) sub.get("items");
      list.put("total_count", (long) itemsOf(sub).size());
    }

    // ---- trial_end=now / new trial end
    boolean endTrialNow = false;
    if (p.has("trial_end")) {
      String te = p.strOrNull("trial_end");
      if ("now".equals(te)) {
        endTrialNow = trialing;
      } else if (te != null) {
        long newTrialEnd = p.lng("trial_end");
        if (newTrialEnd <= now) {
          throw ApiError.invalid("Invalid timestamp: must be in the future.", "trial_end");
        }
        sub.put("trial_end", newTrialEnd);
        if (!trialing) {
          sub.put("trial_start", now);
          sub.put("status", "trialing");
        }
        sub.put("_anchor", newTrialEnd);
        sub.put("_cycle", -1L);
        sub.put("billing_cycle_anchor", newTrialEnd);
        sub.put("_trial_will_end_sent", false);
        setPeriod(sub, trialing ? periodStart : now, newTrialEnd);
        prorationLines.clear();
      }
    }

    Map<String, Object> invoice = null;
    if (intervalChange && !trialing) {
      // Stripe resets the billing cycle and invoices immediately when the interval changes.
      sub.put("_anchor", now);
      sub.put("_cycle", 0L);
      sub.put("billing_cycle_anchor", now);
      Map<String, Object> rec = recurringOf(itemPrice(itemsOf(sub).get(0)));
      long newEnd = Periods.plus(now, (String) rec.get("interval"), (Long) rec.get("interval_count"), 1);
      setPeriod(sub, now, newEnd);
      List<Map<String, Object>> lines = new ArrayList<>();
      if (!"none".equals(proration)) {
        for (Map<String, Object> l : prorationLines) {
          if (((Long) l.get("amount")) < 0) {
            lines.add(l);
          }
        }
      }
      lines.addAll(cycleLines(pendingInvoiceId, sub, now, newEnd));
      invoice = newInvoice(pendingInvoiceId, customer, sub, "subscription_update", lines, now, now);
    } else if (!prorationLines.isEmpty() && !trialing) {
      if ("always_invoice".equals(proration)) {
        List<Map<String, Object>> lines = new ArrayList<>(prorationLines);
        lines.addAll(pendingLines(sub, pendingInvoiceId));
        invoice = newInvoice(pendingInvoiceId, customer, sub, "subscription_update", lines, now, now);
      } else if ("create_prorations".equals(proration)) {
        pendingLines(sub).addAll(prorationLines);
      }
    }
    if (invoice != null) {
      sub.put("latest_invoice", invoice.get("id"));
    }
    s.emitUpdated("customer.subscription.updated", before, sub);
    if (invoice != null) {
      Attempt attempt = chargeInvoice(invoice, sub, customer);
      invoiceLifecycle(invoice, attempt, true);
      if (!attempt.succeeded()) {
        markPastDue(sub);
      }
    }
    if (endTrialNow) {
      s.emit("customer.subscription.trial_will_end", sub);
      sub.put("_trial_will_end_sent", true);
      sub.put("trial_end", now);
      setPeriod(sub, currentPeriodStart(sub), now);
      sub.put("_anchor", now);
      sub.put("billing_cycle_anchor", now);
      periodEnd(sub);
    }
    return s.render(sub, p.expand());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cancellationDetails(Map<String, Object> sub) {
    return (Map<String, Object>) sub.get("cancellation_details");
  }

  private static long qty(Map<String, Object> item) {
    Object q = item.get("quantity");
    return q == null ? 0 : (Long) q;
  }

  private static boolean sameInterval(Map<String, Object> price, Map<String, Object> item) {
    Map<String, Object> a = recurringOf(price);
    Map<String, Object> b = recurringOf(itemPrice(item));
    return Objects.equals(a.get("interval"), b.get("interval"))
        && Objects.equals(a.get("interval_count"), b.get("interval_count"));
  }

  private List<Map<String, Object>> prorate(String invoiceId, Map<String, Object> sub,
      Map<String, Object> item, Map<String, Object> oldPrice, long oldQty,
      Map<String, Object> newPrice, long newQty, double fraction, long now, long periodEnd,
      boolean trialing) {
    List<Map<String, Object>> lines = new ArrayList<>();
    if (trialing || fraction <= 0) {
      return lines;
    }
    String subId = (String) sub.get("id");
    if (oldPrice != null && !metered(oldPrice) && oldQty > 0) {
      long credit = Math.round((Long) oldPrice.get("unit_amount") * oldQty * fraction);
      if (credit > 0) {
        lines.add(line(invoiceId, subId, item, oldPrice, oldQty, -credit, now, periodEnd,
            "Unused time on " + (oldQty > 1 ? oldQty + " × " : "") + productName(oldPrice)
                + " after " + Periods.day(now), true));
      }
    }
    if (newPrice != null && !metered(newPrice) && newQty > 0) {
      long debit = Math.round((Long) newPrice.get("unit_amount") * newQty * fraction);
      if (debit > 0) {
        lines.add(line(invoiceId, subId, item, newPrice, newQty, debit, now, periodEnd,
            "Remaining time on " + (newQty > 1 ? newQty + " × " : "") + productName(newPrice)
                + " after " + Periods.day(now), true));
      }
    }
    return lines;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> pendingLines(Map<String, Object> sub) {
    return (List<Map<String, Object>>) sub.get("_pending_lines");
  }

  /** Takes the pending proration lines, re-pointed at {@code invoiceId}. */
  private List<Map<String, Object>> pendingLines(Map<String, Object> sub, String invoiceId) {
    List<Map<String, Object>> pending = pendingLines(sub);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> l : pending) {
      l.put("invoice", invoiceId);
      out.add(l);
    }
    pending.clear();
    return out;
  }

  static long currentPeriodEnd(Map<String, Object> sub) {
    return (Long) itemsOf(sub).get(0).get("current_period_end");
  }

  static long currentPeriodStart(Map<String, Object> sub) {
    return (Long) itemsOf(sub).get(0).get("current_period_start");
  }

  private static void setPeriod(Map<String, Object> sub, long start, long end) {
    for (Map<String, Object> item : itemsOf(sub)) {
      item.put("current_period_start", start);
      item.put("current_period_end", end);
    }
  }

  /** Cancels immediately, emitting {@code customer.subscription.deleted}. */
  void cancelNow(Map<String, Object> sub, String reason) {
    long now = s.now();
    sub.put("status", "canceled");
    if (sub.get("canceled_at") == null) {
      sub.put("canceled_at", now);
    }
    sub.put("ended_at", now);
    if (cancellationDetails(sub).get("reason") == null) {
      cancellationDetails(sub).put("reason", reason);
    }
    s.emit("customer.subscription.deleted", sub);
  }

  private void markPastDue(Map<String, Object> sub) {
    String status = (String) sub.get("status");
    if ("active".equals(status) || "trialing".equals(status)) {
      Map<String, Object> before = Json.deepCopy(sub);
      sub.put("status", "past_due");
      s.emitUpdated("customer.subscription.updated", before, sub);
    }
  }

  // ================================================================ emulated time

  /** What happens next in emulated time, for {@link #advanceTo}. */
  private record Milestone(long at, int order, Runnable action) {}

  /**
   * Moves emulated time to {@code target}, running every milestone on the way in chronological
   * order (trial_will_end, cancellations, trial ends, renewals, checkout expiry).
   */
  void advanceTo(long target) {
    while (true) {
      Milestone next = nextMilestone(target);
      if (next == null) {
        break;
      }
      s.clock.moveTo(java.time.Instant.ofEpochSecond(next.at()));
      next.action().run();
    }
    s.clock.moveTo(java.time.Instant.ofEpochSecond(target));
  }

  private Milestone nextMilestone(long target) {
    Milestone best = null;
    for (Map<String, Object> sub : s.store.all("subscription")) {
      String status = (String) sub.get("status");
      if (!List.of("trialing", "active", "past_due", "unpaid").contains(status)) {
        continue;
      }
      List<Milestone> candidates = new ArrayList<>();
      if ("trialing".equals(status) && !Boolean.TRUE.equals(sub.get("_trial_will_end_sent"))) {
        long at = (Long) sub.get("trial_end") - TRIAL_WILL_END_LEAD;
        candidates.add(new Milestone(at, 0, () -> {
          sub.put("_trial_will_end_sent", true);
          s.emit("customer.subscription.trial_will_end", sub);
        }));
      }
      Object cancelAt = sub.get("cancel_at");
      if (cancelAt != null) {
        candidates.add(new Milestone((Long) cancelAt, 1, () -> cancelNow(sub, "cancellation_requested")));
      }
      candidates.add(new Milestone(currentPeriodEnd(sub), 2, () -> periodEnd(sub)));
      for (Milestone m : candidates) {
        if (m.at() <= target && (best == null || m.at() < best.at()
            || (m.at() == best.at() && m.order() < best.order()))) {
          best = m;
        }
      }
    }
    for (Map<String, Object> session : s.store.all("checkout.session")) {
      if ("open".equals(session.get("status")) && (Long) session.get("expires_at") <= target) {
        Milestone m = new Milestone((Long) session.get("expires_at"), 3,
            () -> Checkout.expire(s, session));
        if (best == null || m.at() < best.at()) {
          best = m;
        }
      }
    }
    return best;
  }

  /** The end of the current period: trial end or renewal. */
  private void periodEnd(Map<String, Object> sub) {
    Map<String, Object> customer = s.store.get((String) sub.get("customer"));
    Map<String, Object> before = Json.deepCopy(sub);
    boolean wasTrial = "trialing".equals(sub.get("status"));
    long prevStart = currentPeriodStart(sub);
    long prevEnd = currentPeriodEnd(sub);
    long cycle = (Long) sub.get("_cycle") + 1;
    long anchor = (Long) sub.get("_anchor");
    Map<String, Object> rec = recurringOf(itemPrice(itemsOf(sub).get(0)));
    String interval = (String) rec.get("interval");
    long count = (Long) rec.get("interval_count");
    long newStart = Periods.plus(anchor, interval, count, cycle);
    long newEnd = Periods.plus(anchor, interval, count, cycle + 1);
    sub.put("_cycle", cycle);
    if (wasTrial) {
      sub.put("status", "active");
    }
    String invoiceId = Ids.next("in");
    List<Map<String, Object>> lines = new ArrayList<>();
    // Usage of the period that just ended (not billed for a trial period).
    if (!wasTrial) {
      for (Map<String, Object> item : itemsOf(sub)) {
        Map<String, Object> price = itemPrice(item);
        if (!metered(price)) {
          continue;
        }
        Map<String, Object> meter = s.store.get((String) recurringOf(price).get("meter"));
        long usage = meter == null ? 0
            : Math.round(Usage.aggregate(s, meter, (String) sub.get("customer"), prevStart, prevEnd));
        lines.add(line(invoiceId, (String) sub.get("id"), item, price, usage,
            usage * (Long) price.get("unit_amount"), prevStart, prevEnd,
            usage + " × " + productName(price) + " (at "
                + Periods.money((Long) price.get("unit_amount"), (String) price.get("currency"))
                + " / unit)", false));
      }
    }
    setPeriod(sub, newStart, newEnd);
    lines.addAll(cycleLines(invoiceId, sub, newStart, newEnd));
    lines.addAll(pendingLines(sub, invoiceId));
    Map<String, Object> invoice = newInvoice(invoiceId, customer, sub, "subscription_cycle", lines,
        prevStart, prevEnd);
    sub.put("latest_invoice", invoiceId);
    s.emitUpdated("customer.subscription.updated", before, sub);
    Attempt attempt = "send_invoice".equals(sub.get("collection_method")) ? null
        : chargeInvoice(invoice, sub, customer);
    invoiceLifecycle(invoice, attempt, true);
    if (attempt != null && !attempt.succeeded()) {
      markPastDue(sub);
    }
  }

  /** Licensed lines for a new period. */
  private List<Map<String, Object>> cycleLines(String invoiceId, Map<String, Object> sub, long start, long end) {
    List<Map<String, Object>> lines = new ArrayList<>();
    for (Map<String, Object> item : itemsOf(sub)) {
      Map<String, Object> price = itemPrice(item);
      if (metered(price)) {
        continue;
      }
      long qty = qty(item);
      Map<String, Object> rec = recurringOf(price);
      lines.add(line(invoiceId, (String) sub.get("id"), item, price, qty,
          (Long) price.get("unit_amount") * qty, start, end,
          qty + " × " + productName(price) + " (at " + Periods.money((Long) price.get("unit_amount"),
              (String) price.get("currency")) + " / " + rec.get("interval") + ")", false));
    }
    return lines;
  }

  // ================================================================ invoices

  Map<String, Object> line(String invoiceId, String subId, Map<String, Object> item,
      Map<String, Object> price, long qty, long amount, long start, long end, String description,
      boolean proration) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("id", Ids.next("il"));
    line.put("object", "line_item");
    line.put("amount", amount);
    line.put("currency", price.get("currency"));
    line.put("description", description);
    line.put("discount_amounts", new ArrayList<>());
    line.put("discountable", !proration);
    line.put("discounts", new ArrayList<>());
    line.put("invoice", invoiceId);
    line.put("livemode", false);
    line.put("metadata", new LinkedHashMap<String, Object>());
    Map<String, Object> parent = new LinkedHashMap<>();
    if (item != null) {
      parent.put("invoice_item_details", null);
      parent.put("subscription_item_details", Json.obj("invoice_item", null, "proration", proration,
          "proration_details", Json.obj("credited_items", null), "subscription", subId,
          "subscription_item", item.get("id")));
      parent.put("type", "subscription_item_details");
    } else {
      parent.put("invoice_item_details", Json.obj("invoice_item", Ids.next("ii"), "proration", false,
          "proration_details", Json.obj("credited_items", null), "subscription", subId));
      parent.put("subscription_item_details", null);
      parent.put("type", "invoice_item_details");
    }
    line.put("parent", parent);
    line.put("period", Json.obj("end", end, "start", start));
    line.put("pretax_credit_amounts", new ArrayList<>());
    line.put("pricing", Json.obj("price_details", Json.obj("price", price.get("id"),
        "product", price.get("product")), "type", "price_details",
        "unit_amount_decimal", price.get("unit_amount_decimal")));
    line.put("quantity", qty);
    line.put("subscription", subId);
    line.put("subtotal", amount);
    line.put("taxes", new ArrayList<>());
    return line;
  }

  /** A draft invoice (not stored or emitted yet); totals and discounts computed. */
  @SuppressWarnings("unchecked")
  Map<String, Object> newInvoice(String id, Map<String, Object> customer, Map<String, Object> sub,
      String billingReason, List<Map<String, Object>> lines, long periodStart, long periodEnd) {
    long now = s.now();
    String currency = lines.isEmpty()
        ? (sub != null ? (String) sub.get("currency") : "usd") : (String) lines.get(0).get("currency");
    long subtotal = lines.stream().mapToLong(l -> (Long) l.get("amount")).sum();
    long discountable = lines.stream().filter(l -> Boolean.TRUE.equals(l.get("discountable")))
        .mapToLong(l -> (Long) l.get("amount")).sum();
    List<Object> discountIds = new ArrayList<>();
    List<Object> discountAmounts = new ArrayList<>();
    long totalDiscount = 0;
    if (sub != null) {
      for (Object did : (List<Object>) sub.get("discounts")) {
        Map<String, Object> discount = s.store.get((String) did);
        if (discount == null || !discountActive(discount, now)) {
          continue;
        }
        Map<String, Object> coupon = s.store.get(
            (String) ((Map<String, Object>) discount.get("source")).get("coupon"));
        long amount = couponAmount(coupon, Math.max(0, discountable - totalDiscount));
        if (amount > 0) {
          totalDiscount += amount;
          discountIds.add(did);
          discountAmounts.add(Json.obj("amount", amount, "discount", did));
          if (Boolean.TRUE.equals(discount.get("_once"))) {
            discount.put("_used", true);
          }
        }
      }
    }
    long total = subtotal - totalDiscount;
    Map<String, Object> inv = new LinkedHashMap<>();
    inv.put("id", id);
    inv.put("object", "invoice");
    inv.put("account_country", "US");
    inv.put("account_name", "Stripe Emulator");
    inv.put("account_tax_ids", null);
    inv.put("amount_due", 0L);
    inv.put("amount_overpaid", 0L);
    inv.put("amount_paid", 0L);
    inv.put("amount_paid_off_stripe", 0L);
    inv.put("amount_remaining", 0L);
    inv.put("amount_shipping", 0L);
    inv.put("application", null);
    inv.put("attempt_count", 0L);
    inv.put("attempted", false);
    inv.put("auto_advance", true);
    inv.put("automatic_tax", Json.obj("disabled_reason", null, "enabled", false, "liability", null,
        "provider", null, "status", null));
    inv.put("automatically_finalizes_at", null);
    inv.put("billing_reason", billingReason);
    inv.put("collection_method", sub != null ? sub.get("collection_method") : "charge_automatically");
    inv.put("created", now);
    inv.put("currency", currency);
    inv.put("custom_fields", null);
    inv.put("customer", customer.get("id"));
    inv.put("customer_account", null);
    inv.put("customer_address", Json.deepCopy(customer.get("address")));
    inv.put("customer_email", customer.get("email"));
    inv.put("customer_name", customer.get("name"));
    inv.put("customer_phone", customer.get("phone"));
    inv.put("customer_shipping", null);
    inv.put("customer_tax_exempt", "none");
    inv.put("customer_tax_ids", new ArrayList<>());
    inv.put("default_payment_method", null);
    inv.put("default_source", null);
    inv.put("default_tax_rates", new ArrayList<>());
    inv.put("description", null);
    inv.put("discounts", discountIds);
    inv.put("due_date", sub != null && "send_invoice".equals(sub.get("collection_method"))
        ? now + (Long) sub.get("days_until_due") * 86400 : null);
    inv.put("effective_at", null);
    inv.put("ending_balance", null);
    inv.put("footer", null);
    inv.put("from_invoice", null);
    inv.put("hosted_invoice_url", null);
    inv.put("invoice_pdf", null);
    inv.put("issuer", Json.obj("type", "self"));
    inv.put("last_finalization_error", null);
    inv.put("latest_revision", null);
    Map<String, Object> lineList = new LinkedHashMap<>();
    lineList.put("object", "list");
    lineList.put("data", new ArrayList<>(lines));
    lineList.put("has_more", false);
    lineList.put("total_count", (long) lines.size());
    lineList.put("url", "/v1/invoices/" + id + "/lines");
    inv.put("lines", lineList);
    inv.put("livemode", false);
    inv.put("metadata", new LinkedHashMap<String, Object>());
    inv.put("next_payment_attempt", null);
    inv.put("number", null);
    inv.put("on_behalf_of", null);
    Map<String, Object> parent = new LinkedHashMap<>();
    if (sub != null) {
      parent.put("quote_details", null);
      parent.put("subscription_details", Json.obj("metadata", Json.deepCopy(sub.get("metadata")),
          "subscription", sub.get("id")));
      parent.put("type", "subscription_details");
      inv.put("parent", parent);
    } else {
      inv.put("parent", null);
    }
    inv.put("payment_settings", Json.obj("default_mandate", null, "payment_method_options", null,
        "payment_method_types", null));
    inv.put("period_end", periodEnd);
    inv.put("period_start", periodStart);
    inv.put("post_payment_credit_notes_amount", 0L);
    inv.put("pre_payment_credit_notes_amount", 0L);
    inv.put("receipt_number", null);
    inv.put("rendering", null);
    inv.put("shipping_cost", null);
    inv.put("shipping_details", null);
    inv.put("starting_balance", 0L);
    inv.put("statement_descriptor", null);
    inv.put("status", "draft");
    inv.put("status_transitions", Json.obj("finalized_at", null, "marked_uncollectible_at", null,
        "paid_at", null, "voided_at", null));
    inv.put("subtotal", subtotal);
    inv.put("subtotal_excluding_tax", subtotal);
    inv.put("test_clock", null);
    inv.put("total", total);
    inv.put("total_discount_amounts", discountAmounts);
    inv.put("total_excluding_tax", total);
    inv.put("total_pretax_credit_amounts", new ArrayList<>());
    inv.put("total_taxes", new ArrayList<>());
    inv.put("webhooks_delivered_at", null);
    inv.put("_subscription", sub == null ? null : sub.get("id"));
    long due = amountDueIfFinalized(inv, customer);
    inv.put("amount_due", due);
    inv.put("amount_remaining", due);
    if (sub != null) {
      forgetUsedDiscounts(sub, now);
    }
    return inv;
  }

  private static boolean discountActive(Map<String, Object> discount, long now) {
    Object end = discount.get("end");
    return !Boolean.TRUE.equals(discount.get("_used")) && (end == null || now < (Long) end);
  }

  private static long couponAmount(Map<String, Object> coupon, long base) {
    if (coupon == null || base <= 0) {
      return 0;
    }
    Object pct = coupon.get("percent_off");
    if (pct != null) {
      return Math.round(base * ((Number) pct).doubleValue() / 100.0);
    }
    Object off = coupon.get("amount_off");
    return off == null ? 0 : Math.min(base, (Long) off);
  }

  /** {@code max(0, total + customer balance)}: negative balances are credit. */
  private static long amountDueIfFinalized(Map<String, Object> inv, Map<String, Object> customer) {
    long total = (Long) inv.get("total");
    long balance = customer.get("balance") == null ? 0 : (Long) customer.get("balance");
    return Math.max(0, total + balance);
  }

  private void finalizeInvoice(Map<String, Object> inv) {
    Map<String, Object> customer = s.store.get((String) inv.get("customer"));
    long now = s.now();
    long balance = customer.get("balance") == null ? 0 : (Long) customer.get("balance");
    long total = (Long) inv.get("total");
    long applied = total + balance;
    long due = Math.max(0, applied);
    inv.put("starting_balance", balance);
    inv.put("ending_balance", Math.min(0, applied));
    inv.put("amount_due", due);
    inv.put("amount_remaining", due);
    if (balance != Math.min(0, applied)) {
      Map<String, Object> customerBefore = Json.deepCopy(customer);
      customer.put("balance", Math.min(0, applied));
      s.emitUpdated("customer.updated", customerBefore, customer);
    }
    long seq = (Long) customer.get("next_invoice_sequence");
    customer.put("next_invoice_sequence", seq + 1);
    inv.put("number", customer.get("invoice_prefix") + "-" + String.format("%04d", seq));
    inv.put("status", "open");
    inv.put("effective_at", now);
    statusTransitions(inv).put("finalized_at", now);
    inv.put("hosted_invoice_url", s.hostedBase() + "/invoice/" + inv.get("id"));
    inv.put("invoice_pdf", s.hostedBase() + "/invoice/" + inv.get("id") + "/pdf");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> statusTransitions(Map<String, Object> inv) {
    return (Map<String, Object>) inv.get("status_transitions");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> linesOf(Map<String, Object> inv) {
    return (Map<String, Object>) inv.get("lines");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> paymentOf(Map<String, Object> invoicePayment) {
    return (Map<String, Object>) invoicePayment.get("payment");
  }

  /**
   * Walks an invoice through Stripe's lifecycle, emitting events in Stripe's order. A null
   * attempt means "finalize but do not try to collect" (send_invoice, default_incomplete).
   */
  void invoiceLifecycle(Map<String, Object> inv, Attempt attempt, boolean fromDraft) {
    if (fromDraft) {
      s.store.put(inv);
      s.emit("invoice.created", inv);
      finalizeInvoice(inv);
      s.emit("invoice.finalized", inv);
    }
    long due = (Long) inv.get("amount_due");
    if (attempt == null && due > 0) {
      return;
    }
    if (attempt == null || attempt.succeeded()) {
      markPaid(inv, attempt);
      s.emit("invoice.paid", inv);
      s.emit("invoice.payment_succeeded", inv);
      if (attempt != null && attempt.charge() != null) {
        s.emit("charge.succeeded", attempt.charge());
        s.emit("payment_intent.succeeded", attempt.paymentIntent());
      }
      return;
    }
    inv.put("attempt_count", (Long) inv.get("attempt_count") + 1);
    inv.put("attempted", true);
    inv.put("next_payment_attempt", null);
    if (attempt.charge() != null) {
      s.emit("charge.failed", attempt.charge());
      s.emit("payment_intent.payment_failed", attempt.paymentIntent());
    }
    s.emit("invoice.payment_failed", inv);
  }

  private void markPaid(Map<String, Object> inv, Attempt attempt) {
    long now = s.now();
    long due = (Long) inv.get("amount_due");
    inv.put("amount_paid", due);
    inv.put("amount_remaining", 0L);
    inv.put("attempted", true);
    if (attempt != null && attempt.charge() != null) {
      inv.put("attempt_count", (Long) inv.get("attempt_count") + 1);
    }
    inv.put("status", "paid");
    statusTransitions(inv).put("paid_at", now);
    if (attempt != null && attempt.paymentIntent() != null) {
      Map<String, Object> ip = new LinkedHashMap<>();
      ip.put("id", Ids.next("inpay"));
      ip.put("object", "invoice_payment");
      ip.put("amount_paid", due);
      ip.put("amount_requested", due);
      ip.put("created", now);
      ip.put("currency", inv.get("currency"));
      ip.put("invoice", inv.get("id"));
      ip.put("is_default", true);
      ip.put("livemode", false);
      ip.put("payment", Json.obj("charge", null, "payment_intent", attempt.paymentIntent().get("id"),
          "payment_record", null, "type", "payment_intent"));
      ip.put("status", "paid");
      ip.put("status_transitions", Json.obj("canceled_at", null, "paid_at", now));
      s.store.put(ip);
    }
  }

  static Map<String, Object> invoicePaymentsList(EmulatorState s, String invoiceId) {
    List<Map<String, Object>> payments = s.store.newestFirst("invoice_payment",
        o -> invoiceId.equals(o.get("invoice")));
    return Lists.fullList(s, "/v1/invoice_payments?invoice=" + invoiceId, payments);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> listInvoices(Params p) {
    String customer = p.strOrNull("customer");
    String subscription = p.strOrNull("subscription");
    String status = p.oneOf("status", null, "draft", "open", "paid", "uncollectible", "void");
    String collection = p.strOrNull("collection_method");
    return Lists.page(s, "/v1/invoices", s.store.newestFirst("invoice", o ->
        (customer == null || customer.equals(o.get("customer")))
            && (subscription == null || subscription.equals(o.get("_subscription")))
            && (status == null || status.equals(o.get("status")))
            && (collection == null || collection.equals(o.get("collection_method")))), p);
  }

  private Attempt chargeInvoice(Map<String, Object> inv, Map<String, Object> sub,
      Map<String, Object> customer) {
    return charge((String) customer.get("id"), paymentMethodFor(sub, customer),
        amountDueIfFinalized(inv, customer), (String) inv.get("currency"),
        "subscription_create".equals(inv.get("billing_reason")) ? "Subscription creation"
            : "subscription_update".equals(inv.get("billing_reason")) ? "Subscription update"
                : "Subscription cycle", null);
  }

  static String paymentMethodFor(Map<String, Object> sub, Map<String, Object> customer) {
    Object pm = sub == null ? null : sub.get("default_payment_method");
    if (pm == null && customer != null) {
      pm = Customers.invoiceSettings(customer).get("default_payment_method");
    }
    return (String) pm;
  }

  private Map<String, Object> payInvoiceFromApi(String id, Params p) {
    Map<String, Object> inv = s.store.require("invoice", id, "invoice");
    String status = (String) inv.get("status");
    if ("paid".equals(status)) {
      throw ApiError.invalid("invoice_already_paid", "Invoice is already paid", null);
    }
    if ("void".equals(status) || "uncollectible".equals(status)) {
      throw ApiError.invalid("invoice_not_editable",
          "You can only pay an invoice that is open, not " + status + ".", null);
    }
    if ("draft".equals(status)) {
      finalizeInvoice(inv);
      s.emit("invoice.finalized", inv);
    }
    Map<String, Object> customer = s.store.get((String) inv.get("customer"));
    Map<String, Object> sub = inv.get("_subscription") == null ? null
        : s.store.get((String) inv.get("_subscription"));
    if (p.bool("paid_out_of_band", false)) {
      inv.put("paid_out_of_band", true);
      markPaid(inv, null);
      inv.put("amount_paid_off_stripe", inv.get("amount_paid"));
      s.emit("invoice.paid", inv);
      recover(sub, inv);
      return s.render(inv, p.expand());
    }
    String pmId = p.strOrNull("payment_method");
    if (pmId != null) {
      Map<String, Object> pm = s.store.require("payment_method", pmId, "payment_method");
      if (pm.get("customer") == null) {
        customers.attach(pmId, (String) customer.get("id"), "payment_method");
      }
    } else {
      pmId = paymentMethodFor(sub, customer);
    }
    long due = (Long) inv.get("amount_remaining");
    if (due > 0 && pmId == null) {
      throw ApiError.invalid(
          "This customer has no attached payment source or default payment method. Please consider "
              + "adding a default payment method. For more information, visit "
              + "https://stripe.com/docs/billing/subscriptions/payment-methods-setting#payment-method-priority.",
          null);
    }
    Attempt attempt = charge((String) customer.get("id"), pmId, due, (String) inv.get("currency"),
        "Payment for Invoice", null);
    invoiceLifecycle(inv, attempt, false);
    if (!attempt.succeeded()) {
      throw cardError(attempt);
    }
    recover(sub, inv);
    return s.render(inv, p.expand());
  }

  /** past_due / incomplete subscriptions become active once their latest invoice is paid. */
  private void recover(Map<String, Object> sub, Map<String, Object> inv) {
    if (sub == null) {
      return;
    }
    String status = (String) sub.get("status");
    if (!List.of("past_due", "incomplete", "unpaid").contains(status)) {
      return;
    }
    boolean otherOpen = s.store.all("invoice").stream().anyMatch(o -> o != inv
        && sub.get("id").equals(o.get("_subscription")) && "open".equals(o.get("status")));
    if (!otherOpen) {
      Map<String, Object> before = Json.deepCopy(sub);
      sub.put("status", "active");
      s.emitUpdated("customer.subscription.updated", before, sub);
    }
  }

  private Map<String, Object> voidInvoice(String id) {
    Map<String, Object> inv = s.store.require("invoice", id, "invoice");
    if (!"open".equals(inv.get("status"))) {
      throw ApiError.invalid("invoice_not_editable",
          "You can only void an open invoice, not " + inv.get("status") + ".", null);
    }
    Map<String, Object> before = Json.deepCopy(inv);
    inv.put("status", "void");
    inv.put("amount_remaining", 0L);
    statusTransitions(inv).put("voided_at", s.now());
    s.emitUpdated("invoice.voided", before, inv);
    return s.render(inv);
  }

  // ================================================================ payments

  Map<String, Object> newPaymentIntent(String customerId, long amount, String currency,
      String pmId, String description, Map<String, Object> metadata) {
    String id = Ids.next("pi");
    Map<String, Object> pi = new LinkedHashMap<>();
    pi.put("id", id);
    pi.put("object", "payment_intent");
    pi.put("amount", amount);
    pi.put("amount_capturable", 0L);
    pi.put("amount_details", Json.obj("tip", new LinkedHashMap<String, Object>()));
    pi.put("amount_received", 0L);
    pi.put("application", null);
    pi.put("application_fee_amount", null);
    pi.put("automatic_payment_methods", null);
    pi.put("canceled_at", null);
    pi.put("cancellation_reason", null);
    pi.put("capture_method", "automatic");
    pi.put("client_secret", Ids.secret(id));
    pi.put("confirmation_method", "automatic");
    pi.put("created", s.now());
    pi.put("currency", currency);
    pi.put("customer", customerId);
    pi.put("description", description);
    pi.put("last_payment_error", null);
    pi.put("latest_charge", null);
    pi.put("livemode", false);
    pi.put("metadata", metadata == null ? new LinkedHashMap<String, Object>() : metadata);
    pi.put("next_action", null);
    pi.put("on_behalf_of", null);
    pi.put("payment_method", pmId);
    pi.put("payment_method_configuration_details", null);
    pi.put("payment_method_options", Json.obj("card", Json.obj("installments", null,
        "mandate_options", null, "network", null, "request_three_d_secure", "automatic")));
    pi.put("payment_method_types", new ArrayList<>(List.of("card")));
    pi.put("processing", null);
    pi.put("receipt_email", null);
    pi.put("review", null);
    pi.put("setup_future_usage", null);
    pi.put("shipping", null);
    pi.put("source", null);
    pi.put("statement_descriptor", null);
    pi.put("statement_descriptor_suffix", null);
    pi.put("status", "requires_payment_method");
    pi.put("transfer_data", null);
    pi.put("transfer_group", null);
    return pi;
  }

  /**
   * Charges {@code amount} to a card: creates a succeeded (or failed) payment intent and charge.
   * Declines come from {@code failNextPayment(customer)} or the card itself. No events.
   */
  Attempt charge(String customerId, String pmId, long amount, String currency, String description,
      Map<String, Object> metadata) {
    return charge(customerId, pmId, amount, currency, description, metadata, true);
  }

  /** Like {@link #charge}; {@code honorFailSwitch=false} leaves {@code failNextPayment} untouched. */
  Attempt charge(String customerId, String pmId, long amount, String currency, String description,
      Map<String, Object> metadata, boolean honorFailSwitch) {
    if (amount <= 0) {
      return new Attempt(true, null, null, null, null, false);
    }
    Map<String, Object> pm = pmId == null ? null : s.store.find("payment_method", pmId);
    if (pm == null) {
      return new Attempt(false, null, null, null,
          "This customer has no attached payment source or default payment method.", true);
    }
    Map<String, Object> pi = newPaymentIntent(customerId, amount, currency, pmId, description, metadata);
    s.store.put(pi);
    return attemptOn(pi, pm, honorFailSwitch);
  }

  private Attempt attemptOn(Map<String, Object> pi, Map<String, Object> pm) {
    return attemptOn(pi, pm, true);
  }

  private Attempt attemptOn(Map<String, Object> pi, Map<String, Object> pm, boolean honorFailSwitch) {
    String customerId = (String) pi.get("customer");
    String decline = customerId == null || !honorFailSwitch ? null : s.consumeFailNextPayment(customerId);
    if (decline == null) {
      decline = (String) pm.get("_decline_code");
    }
    boolean ok = decline == null;
    long amount = (Long) pi.get("amount");
    Map<String, Object> charge = newCharge(pi, pm, ok, decline);
    s.store.put(charge);
    pi.put("payment_method", pm.get("id"));
    pi.put("latest_charge", charge.get("id"));
    if (ok) {
      pi.put("status", "succeeded");
      pi.put("amount_received", amount);
      pi.put("last_payment_error", null);
    } else {
      pi.put("status", "requires_payment_method");
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("charge", charge.get("id"));
      error.put("code", Cards.errorCode(decline));
      error.put("decline_code", decline);
      error.put("doc_url", "https://stripe.com/docs/error-codes/" + Cards.errorCode(decline).replace('_', '-'));
      error.put("message", Cards.declineMessage(decline));
      error.put("payment_method", s.render(pm));
      error.put("type", "card_error");
      pi.put("last_payment_error", error);
    }
    return new Attempt(ok, pi, charge, decline, ok ? null : Cards.declineMessage(decline), false);
  }

  private Map<String, Object> newCharge(Map<String, Object> pi, Map<String, Object> pm, boolean ok,
      String decline) {
    String id = Ids.next("ch");
    long amount = (Long) pi.get("amount");
    Map<String, Object> charge = new LinkedHashMap<>();
    charge.put("id", id);
    charge.put("object", "charge");
    charge.put("amount", amount);
    charge.put("amount_captured", ok ? amount : 0L);
    charge.put("amount_refunded", 0L);
    charge.put("application", null);
    charge.put("application_fee", null);
    charge.put("application_fee_amount", null);
    charge.put("balance_transaction", ok ? Ids.next("txn") : null);
    charge.put("billing_details", Json.deepCopy(pm.get("billing_details")));
    charge.put("calculated_statement_descriptor", "STRIPE EMULATOR");
    charge.put("captured", ok);
    charge.put("created", s.now());
    charge.put("currency", pi.get("currency"));
    charge.put("customer", pi.get("customer"));
    charge.put("description", pi.get("description"));
    charge.put("disputed", false);
    charge.put("failure_balance_transaction", null);
    charge.put("failure_code", ok ? null : Cards.errorCode(decline));
    charge.put("failure_message", ok ? null : Cards.declineMessage(decline));
    charge.put("fraud_details", new LinkedHashMap<String, Object>());
    charge.put("livemode", false);
    charge.put("metadata", Json.deepCopy(pi.get("metadata")));
    charge.put("on_behalf_of", null);
    charge.put("outcome", ok
        ? Json.obj("advice_code", null, "network_advice_code", null, "network_decline_code", null,
            "network_status", "approved_by_network", "reason", null, "risk_level", "normal",
            "risk_score", 20L, "seller_message", "Payment complete.", "type", "authorized")
        : Json.obj("advice_code", "try_again_later", "network_advice_code", null,
            "network_decline_code", null, "network_status", "declined_by_network", "reason", decline,
            "risk_level", "normal", "risk_score", 20L,
            "seller_message", "The bank did not return any further details with this decline.",
            "type", "issuer_declined"));
    charge.put("paid", ok);
    charge.put("payment_intent", pi.get("id"));
    charge.put("payment_method", pm.get("id"));
    charge.put("payment_method_details", Cards.chargeDetails(pm));
    charge.put("receipt_email", null);
    charge.put("receipt_number", null);
    charge.put("receipt_url", s.hostedBase() + "/receipt/" + id);
    charge.put("refunded", false);
    charge.put("review", null);
    charge.put("shipping", null);
    charge.put("source_transfer", null);
    charge.put("statement_descriptor", null);
    charge.put("statement_descriptor_suffix", null);
    charge.put("status", ok ? "succeeded" : "failed");
    charge.put("transfer_data", null);
    charge.put("transfer_group", null);
    return charge;
  }

  static ApiError cardError(Attempt attempt) {
    if (attempt.noPaymentMethod()) {
      return ApiError.invalid(attempt.message(), "payment_method");
    }
    ApiError error = ApiError.card(Cards.errorCode(attempt.declineCode()), attempt.declineCode(),
        attempt.message());
    if (attempt.charge() != null) {
      error.with("charge", attempt.charge().get("id"));
    }
    return error;
  }

  private Map<String, Object> createPaymentIntent(Params p) {
    long amount = p.requireLng("amount");
    if (amount < 50) {
      throw ApiError.invalid("amount_too_small", "Amount must be at least $0.50 usd", "amount");
    }
    String currency = p.requireStr("currency").toLowerCase(java.util.Locale.ROOT);
    String customerId = p.strOrNull("customer");
    if (customerId != null) {
      s.store.require("customer", customerId, "customer");
    }
    String pmId = p.strOrNull("payment_method");
    Map<String, Object> pi = newPaymentIntent(customerId, amount, currency, null,
        p.strOrNull("description"), Params.metadataFrom(p, "metadata"));
    pi.put("receipt_email", p.strOrNull("receipt_email"));
    pi.put("setup_future_usage", p.strOrNull("setup_future_usage"));
    if (pmId != null) {
      pi.put("payment_method", resolvePaymentMethod(pmId, customerId).get("id"));
      pi.put("status", "requires_confirmation");
    }
    s.store.put(pi);
    s.emit("payment_intent.created", pi);
    if (p.bool("confirm", false)) {
      return confirmPaymentIntent(pi, new Params(Map.of()));
    }
    return s.render(pi, p.expand());
  }

  private Map<String, Object> resolvePaymentMethod(String pmId, String customerId) {
    Cards.Spec magic = Cards.fromMagicPaymentMethod(pmId);
    if (magic != null && s.store.get(pmId) == null) {
      return Cards.paymentMethod(s, magic, null);
    }
    Map<String, Object> pm = s.store.require("payment_method", pmId, "payment_method");
    if (pm.get("customer") != null && !pm.get("customer").equals(customerId)) {
      throw ApiError.invalid("The provided PaymentMethod belongs to another customer.", "payment_method");
    }
    return pm;
  }

  private Map<String, Object> confirmPaymentIntent(Map<String, Object> pi, Params p) {
    String status = (String) pi.get("status");
    if (!"requires_payment_method".equals(status) && !"requires_confirmation".equals(status)) {
      throw ApiError.invalid("payment_intent_unexpected_state", "You cannot confirm this "
          + "PaymentIntent because it has a status of " + status + ".", null);
    }
    String pmId = p.strOrNull("payment_method");
    Map<String, Object> pm = pmId != null
        ? resolvePaymentMethod(pmId, (String) pi.get("customer"))
        : s.store.find("payment_method", (String) pi.get("payment_method"));
    if (pm == null) {
      throw ApiError.invalid("payment_intent_unexpected_state", "You cannot confirm this "
          + "PaymentIntent because it's missing a payment method.", "payment_method");
    }
    Map<String, Object> before = Json.deepCopy(pi);
    Attempt attempt = attemptOn(pi, pm);
    Object invoiceId = pi.get("_invoice");
    if (invoiceId != null) {
      Map<String, Object> inv = s.store.get((String) invoiceId);
      Map<String, Object> sub = s.store.get((String) inv.get("_subscription"));
      invoiceLifecycle(inv, attempt, false);
      if (attempt.succeeded()) {
        recover(sub, inv);
      }
    } else if (attempt.succeeded()) {
      s.emit("charge.succeeded", attempt.charge());
      s.emit("payment_intent.succeeded", pi, EmulatorState.diff(before, pi));
    } else {
      s.emit("charge.failed", attempt.charge());
      s.emit("payment_intent.payment_failed", pi, EmulatorState.diff(before, pi));
    }
    if (!attempt.succeeded()) {
      throw cardError(attempt).with("payment_intent", s.render(pi));
    }
    return s.render(pi, p.expand());
  }

  // ================================================================ refunds

  private Map<String, Object> createRefund(Params p) {
    String chargeId = p.strOrNull("charge");
    String piId = p.strOrNull("payment_intent");
    if (chargeId == null && piId == null) {
      throw ApiError.invalid("One of the following params should be provided for this request: "
          + "payment_intent or charge.", "charge");
    }
    Map<String, Object> charge;
    if (chargeId != null) {
      charge = s.store.require("charge", chargeId, "charge");
    } else {
      Map<String, Object> pi = s.store.require("payment_intent", piId, "payment_intent");
      charge = s.store.find("charge", (String) pi.get("latest_charge"));
      if (charge == null || !"succeeded".equals(pi.get("status"))) {
        throw ApiError.invalid("This PaymentIntent does not have a successful charge to refund.",
            "payment_intent");
      }
    }
    if (!"succeeded".equals(charge.get("status"))) {
      throw ApiError.invalid("charge_not_refundable", "This charge cannot be refunded because it "
          + "has not succeeded.", "charge");
    }
    long captured = (Long) charge.get("amount");
    long refunded = (Long) charge.get("amount_refunded");
    if (refunded >= captured) {
      throw ApiError.invalid("charge_already_refunded",
          "Charge " + charge.get("id") + " has already been refunded.", "charge");
    }
    long amount = p.lng("amount", captured - refunded);
    if (amount <= 0) {
      throw ApiError.invalid("Invalid positive integer", "amount");
    }
    if (amount > captured - refunded) {
      throw ApiError.invalid("amount_too_large", "Refund amount ("
          + Periods.money(amount, (String) charge.get("currency"))
          + ") is greater than unrefunded amount on charge ("
          + Periods.money(captured - refunded, (String) charge.get("currency")) + ")", "amount");
    }
    Map<String, Object> refund = new LinkedHashMap<>();
    refund.put("id", Ids.next("re"));
    refund.put("object", "refund");
    refund.put("amount", amount);
    refund.put("balance_transaction", Ids.next("txn"));
    refund.put("charge", charge.get("id"));
    refund.put("created", s.now());
    refund.put("currency", charge.get("currency"));
    refund.put("destination_details", Json.obj("card", Json.obj("reference", null,
        "reference_status", "pending", "reference_type", "acquirer_reference_number", "type", "refund"),
        "type", "card"));
    refund.put("metadata", Params.metadataFrom(p, "metadata"));
    refund.put("payment_intent", charge.get("payment_intent"));
    refund.put("reason", p.oneOf("reason", null, "duplicate", "fraudulent", "requested_by_customer"));
    refund.put("receipt_number", null);
    refund.put("source_transfer_reversal", null);
    refund.put("status", "succeeded");
    refund.put("transfer_reversal", null);
    s.store.put(refund);
    Map<String, Object> before = Json.deepCopy(charge);
    charge.put("amount_refunded", refunded + amount);
    charge.put("refunded", refunded + amount >= captured);
    s.emit("refund.created", refund);
    s.emit("charge.refunded", charge, EmulatorState.diff(before, charge));
    return refund;
  }

  /** A subscription stops listing discounts that are used up ({@code once}) or have ended. */
  private void forgetUsedDiscounts(Map<String, Object> sub, long now) {
    @SuppressWarnings("unchecked")
    List<Object> ids = (List<Object>) sub.get("discounts");
    for (Iterator<Object> it = ids.iterator(); it.hasNext(); ) {
      Map<String, Object> d = s.store.get((String) it.next());
      if (d != null && !discountActive(d, now)) {
        it.remove();
      }
    }
  }
}
