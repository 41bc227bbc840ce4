package dev.billing.emulator.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parameters each {@code /v1} route accepts, as Stripe documents them for the pinned API
 * version (the names stripe-java's params classes send; {@code StripeParamsTest} compares the two),
 * in {@link ParamSpec}'s syntax. A route the emulator serves must be declared here: the router
 * refuses to register one that is not. Hashes the emulator reads are declared with their keys, so
 * a nested typo is refused as well; hashes it does not read accept any keys.
 *
 * <p>Emulator extensions beyond Stripe's names are kept to {@link #EXTENSIONS}.
 */
final class StripeParams {
    private static final String LIST = "ending_before, expand, limit, starting_after";
    private static final String CREATED = "created{gt, gte, lt, lte}";
    private static final String ADDRESS = "{city, country, line1, line2, postal_code, state}";
    private static final String INVOICE_SETTINGS =
            "invoice_settings{custom_fields, default_payment_method, footer, rendering_options}";
    private static final String RECURRING = "recurring{interval, interval_count}";
    private static final String INLINE_PRICE =
            "price_data{currency, product, " + RECURRING + ", tax_behavior, unit_amount, unit_amount_decimal}";
    private static final String ITEM_DISCOUNTS = "discounts[]{coupon, discount, promotion_code}";
    private static final String CANCELLATION_DETAILS = "cancellation_details{comment, feedback}";

    /**
     * Names the emulator accepts that Stripe does not: caller-chosen ids (seed files and stable test
     * fixtures) and the top-level {@code coupon} promotion codes took before {@code promotion[coupon]}.
     */
    static final Map<String, String> EXTENSIONS = Map.of(
            "POST /v1/customers", "id",
            "POST /v1/prices", "id",
            "POST /v1/promotion_codes", "coupon, id",
            "POST /v1/billing/meters", "id");

    private static final Map<String, ParamSpec> ROUTES = routes();

    private StripeParams() {}

    /** The spec of {@code "METHOD /v1/pattern"}, or null when the route is not declared. */
    static ParamSpec of(String route) {
        return ROUTES.get(route);
    }

    /** Every declared route, as {@code "METHOD /v1/pattern"}. */
    static Map<String, ParamSpec> all() {
        return ROUTES;
    }

    private static Map<String, ParamSpec> routes() {
        Map<String, String> d = new LinkedHashMap<>();
        catalog(d);
        customers(d);
        billing(d);
        payments(d);
        checkout(d);
        misc(d);
        Map<String, ParamSpec> routes = new LinkedHashMap<>();
        d.forEach((route, names) -> {
            String extra = EXTENSIONS.get(route);
            routes.put(route, ParamSpec.parse(extra == null ? names : names + ", " + extra));
        });
        return Map.copyOf(routes);
    }

    private static void catalog(Map<String, String> d) {
        d.put(
                "POST /v1/products",
                "active, default_price_data{currency, currency_options, custom_unit_amount, "
                        + "metadata, " + RECURRING
                        + ", tax_behavior, unit_amount, unit_amount_decimal}, description, expand, "
                        + "id, images, marketing_features, metadata, name, package_dimensions, shippable, "
                        + "statement_descriptor, tax_code, type, unit_label, url");
        d.put("GET /v1/products", LIST + ", active, " + CREATED + ", ids, shippable, type, url");
        d.put("GET /v1/products/{id}", "expand");
        d.put(
                "POST /v1/products/{id}",
                "active, default_price, description, expand, images, marketing_features, "
                        + "metadata, name, package_dimensions, shippable, statement_descriptor, tax_code, unit_label, url");
        d.put("DELETE /v1/products/{id}", "");

        d.put(
                "POST /v1/prices",
                "active, billing_scheme, currency, currency_options, custom_unit_amount, expand, "
                        + "lookup_key, metadata, nickname, product, product_data{active, id, metadata, name, "
                        + "statement_descriptor, tax_code, unit_label}, recurring{interval, interval_count, meter, "
                        + "trial_period_days, usage_type}, tax_behavior, tiers, tiers_mode, transfer_lookup_key, "
                        + "transform_quantity, unit_amount, unit_amount_decimal");
        d.put(
                "GET /v1/prices",
                LIST + ", active, " + CREATED + ", currency, lookup_keys, product, "
                        + "recurring{interval, meter, usage_type}, type");
        d.put("GET /v1/prices/{id}", "expand");
        d.put(
                "POST /v1/prices/{id}",
                "active, currency_options, expand, lookup_key, metadata, nickname, "
                        + "tax_behavior, transfer_lookup_key");

        d.put(
                "POST /v1/coupons",
                "amount_off, applies_to, currency, currency_options, duration, "
                        + "duration_in_months, expand, id, max_redemptions, metadata, name, percent_off, redeem_by");
        d.put("GET /v1/coupons", LIST + ", " + CREATED);
        d.put("GET /v1/coupons/{id}", "expand");
        d.put("DELETE /v1/coupons/{id}", "");

        d.put(
                "POST /v1/promotion_codes",
                "active, code, customer, customer_account, expand, expires_at, "
                        + "max_redemptions, metadata, promotion{coupon, type}, restrictions");
        d.put(
                "GET /v1/promotion_codes",
                LIST + ", active, code, coupon, " + CREATED + ", customer, " + "customer_account");
        d.put("GET /v1/promotion_codes/{id}", "expand");

        d.put(
                "POST /v1/billing/meters",
                "customer_mapping{event_payload_key, type}, default_aggregation{formula}, "
                        + "display_name, event_name, event_time_window, expand, value_settings{event_payload_key}");
        d.put("GET /v1/billing/meters", LIST + ", status");
        d.put("GET /v1/billing/meters/{id}", "expand");
        d.put("POST /v1/billing/meters/{id}", "display_name, expand");
        d.put(
                "GET /v1/billing/meters/{id}/event_summaries",
                LIST + ", customer, end_time, start_time, " + "value_grouping_window");
        d.put("POST /v1/billing/meter_events", "event_name, expand, identifier, payload, timestamp");
    }

    private static void customers(Map<String, String> d) {
        String common = "address" + ADDRESS + ", balance, business_name, cash_balance, description, email, "
                + "expand, individual_name, invoice_prefix, " + INVOICE_SETTINGS + ", metadata, name, "
                + "next_invoice_sequence, phone, preferred_locales, shipping, source, tax, tax_exempt, validate";
        d.put("POST /v1/customers", common + ", payment_method, tax_id_data, test_clock");
        d.put("GET /v1/customers", LIST + ", " + CREATED + ", email, test_clock");
        d.put("GET /v1/customers/search", "expand, limit, page, query");
        d.put("GET /v1/customers/{id}", "expand");
        d.put("POST /v1/customers/{id}", common + ", default_source");
        d.put("DELETE /v1/customers/{id}", "");
        d.put("GET /v1/customers/{id}/payment_methods", LIST + ", allow_redisplay, type");
        d.put("GET /v1/customers/{id}/payment_methods/{pm}", "expand");

        d.put(
                "POST /v1/payment_methods",
                "acss_debit, affirm, afterpay_clearpay, alipay, allow_redisplay, alma, "
                        + "amazon_pay, au_becs_debit, bacs_debit, bancontact, billie, billing_details, bizum, blik, boleto, "
                        + "card{cvc, exp_month, exp_year, networks, number, token}, cashapp, crypto, custom, customer, "
                        + "customer_balance, eps, expand, fpx, giropay, grabpay, ideal, interac_present, kakao_pay, klarna, "
                        + "konbini, kr_card, link, mb_way, metadata, mobilepay, multibanco, naver_pay, nz_bank_account, oxxo, "
                        + "p24, pay_by_bank, payco, payment_method, paynow, paypal, payto, pix, promptpay, radar_options, "
                        + "revolut_pay, samsung_pay, satispay, scalapay, sepa_debit, sofort, sunbit, swish, twint, type, upi, "
                        + "us_bank_account, wechat_pay, zip");
        d.put("GET /v1/payment_methods", LIST + ", allow_redisplay, customer, customer_account, type");
        d.put("GET /v1/payment_methods/{id}", "expand");
        d.put(
                "POST /v1/payment_methods/{id}",
                "allow_redisplay, billing_details, card, expand, metadata, payto, " + "us_bank_account");
        d.put("POST /v1/payment_methods/{id}/attach", "customer, customer_account, expand");
        d.put("POST /v1/payment_methods/{id}/detach", "expand");

        String confirm = "allowed_payment_method_types, confirmation_token, excluded_payment_method_types, "
                + "expand, mandate_data, payment_method, payment_method_data, payment_method_options, return_url, "
                + "use_stripe_sdk";
        d.put(
                "POST /v1/setup_intents",
                confirm + ", attach_to_self, automatic_payment_methods, confirm, "
                        + "customer, customer_account, description, flow_directions, metadata, on_behalf_of, "
                        + "payment_method_configuration, payment_method_types, single_use, usage");
        d.put(
                "GET /v1/setup_intents",
                LIST + ", attach_to_self, " + CREATED + ", customer, customer_account, " + "payment_method");
        d.put("GET /v1/setup_intents/{id}", "client_secret, expand");
        d.put("POST /v1/ephemeral_keys", "customer, expand, issuing_card, nonce, verification_session");
        d.put("DELETE /v1/ephemeral_keys/{id}", "expand");
        d.put("POST /v1/setup_intents/{id}/confirm", confirm.replace("excluded_payment_method_types, ", ""));

        String portal = "business_profile{headline, privacy_policy_url, terms_of_service_url}, default_return_url, "
                + "expand, features{customer_update{allowed_updates, enabled}, invoice_history{enabled}, "
                + "payment_method_update{enabled, payment_method_configuration}, subscription_cancel{cancellation_reason, "
                + "enabled, mode, proration_behavior}, subscription_update{billing_cycle_anchor, default_allowed_updates, "
                + "enabled, products[]{adjustable_quantity, prices, product}, proration_behavior, schedule_at_period_end, "
                + "trial_update_behavior}}, login_page, metadata, name";
        d.put("POST /v1/billing_portal/configurations", portal);
        d.put("GET /v1/billing_portal/configurations", LIST + ", active, is_default");
        d.put("GET /v1/billing_portal/configurations/{id}", "expand");
        d.put("POST /v1/billing_portal/configurations/{id}", "active, " + portal);
        d.put(
                "POST /v1/billing_portal/sessions",
                "configuration, customer, customer_account, expand, flow_data, " + "locale, on_behalf_of, return_url");
    }

    private static void billing(Map<String, String> d) {
        String common = "add_invoice_items, application_fee_percent, automatic_tax, billing_cycle_anchor, "
                + "billing_schedules, billing_thresholds, cancel_at, cancel_at_period_end, collection_method, "
                + "days_until_due, default_payment_method, default_source, default_tax_rates, description, "
                + "discounts[]{coupon, discount, promotion_code}, expand, invoice_settings, metadata, off_session, "
                + "on_behalf_of, payment_behavior, payment_settings, pending_invoice_item_interval, "
                + "proration_behavior, transfer_data, trial_end, trial_from_plan, trial_settings";
        String item = "billing_thresholds, " + ITEM_DISCOUNTS + ", metadata, plan, price, " + INLINE_PRICE
                + ", quantity, tax_rates";
        d.put(
                "POST /v1/subscriptions",
                common + ", backdate_start_date, billing_cycle_anchor_config, "
                        + "billing_mode, currency, customer, customer_account, items[]{" + item
                        + "}, trial_period_days");
        d.put(
                "GET /v1/subscriptions",
                LIST + ", automatic_tax, collection_method, " + CREATED + ", "
                        + "current_period_end, current_period_start, customer, customer_account, plan, price, status, "
                        + "test_clock");
        d.put("GET /v1/subscriptions/{id}", "expand");
        d.put(
                "POST /v1/subscriptions/{id}",
                common + ", " + CANCELLATION_DETAILS + ", items[]{" + item
                        + ", clear_usage, deleted, id}, pause_collection, proration_date");
        d.put("DELETE /v1/subscriptions/{id}", CANCELLATION_DETAILS + ", expand, invoice_now, prorate");
        d.put("GET /v1/subscription_items", LIST + ", subscription");
        d.put("GET /v1/subscription_items/{id}", "expand");

        d.put(
                "GET /v1/invoices",
                LIST + ", collection_method, " + CREATED + ", customer, customer_account, "
                        + "due_date, status, subscription");
        d.put("GET /v1/invoices/{id}", "expand");
        d.put("GET /v1/invoices/{id}/lines", LIST);
        d.put(
                "POST /v1/invoices/{id}/pay",
                "expand, forgive, mandate, off_session, paid_out_of_band, " + "payment_method, source");
        d.put("POST /v1/invoices/{id}/void", "expand");
        d.put(
                "GET /v1/invoice_payments",
                LIST + ", " + CREATED + ", invoice, " + "payment{payment_intent, payment_record, type}, status");
        d.put("GET /v1/invoice_payments/{id}", "expand");
    }

    private static void payments(Map<String, String> d) {
        String confirm = "allowed_payment_method_types, amount_details, capture_method, confirmation_token, "
                + "error_on_requires_action, excluded_payment_method_types, expand, hooks, mandate, mandate_data, "
                + "off_session, payment_details, payment_method, payment_method_data, payment_method_options, "
                + "payment_method_types, radar_options, receipt_email, return_url, setup_future_usage, shipping, "
                + "use_stripe_sdk";
        d.put(
                "POST /v1/payment_intents",
                confirm + ", amount, application_fee_amount, automatic_payment_methods, "
                        + "confirm, confirmation_method, currency, customer, customer_account, description, metadata, "
                        + "on_behalf_of, payment_method_configuration, statement_descriptor, statement_descriptor_suffix, "
                        + "transfer_data, transfer_group");
        d.put("GET /v1/payment_intents", LIST + ", " + CREATED + ", customer, customer_account");
        d.put("GET /v1/payment_intents/{id}", "client_secret, expand");
        d.put("POST /v1/payment_intents/{id}/confirm", confirm + ", amount_to_confirm");
        d.put("POST /v1/payment_intents/{id}/cancel", "cancellation_reason, expand");

        d.put("GET /v1/charges", LIST + ", " + CREATED + ", customer, payment_intent, transfer_group");
        d.put("GET /v1/charges/{id}", "expand");
        d.put("GET /v1/charges/{id}/refunds", LIST);
        d.put("GET /v1/charges/{id}/refunds/{refund}", "expand");

        d.put(
                "POST /v1/refunds",
                "amount, charge, currency, customer, expand, instructions_email, metadata, "
                        + "origin, payment_intent, reason, refund_application_fee, reverse_transfer");
        d.put("GET /v1/refunds", LIST + ", charge, " + CREATED + ", payment_intent");
        d.put("GET /v1/refunds/{id}", "expand");
    }

    private static void checkout(Map<String, String> d) {
        String lineItem = "line_items[]{adjustable_quantity, metadata, price, price_data{currency, product, "
                + "product_data{description, images, metadata, name, tax_code, unit_label}, " + RECURRING
                + ", tax_behavior, unit_amount, unit_amount_decimal}, quantity, tax_rates}";
        String subscriptionData = "subscription_data{application_fee_percent, billing_cycle_anchor, "
                + "billing_cycle_anchor_config, billing_mode, default_tax_rates, description, invoice_settings, "
                + "metadata, on_behalf_of, pending_invoice_item_interval, proration_behavior, transfer_data, "
                + "trial_end, trial_period_days, trial_settings}";
        String paymentIntentData = "payment_intent_data{application_fee_amount, capture_method, description, "
                + "metadata, on_behalf_of, receipt_email, setup_future_usage, shipping, statement_descriptor, "
                + "statement_descriptor_suffix, transfer_data, transfer_group}";
        d.put(
                "POST /v1/checkout/sessions",
                "adaptive_pricing, after_expiration, allow_promotion_codes, "
                        + "automatic_tax, billing_address_collection, branding_settings, cancel_url, client_reference_id, "
                        + "consent_collection, currency, custom_fields, custom_text, customer, customer_account, "
                        + "customer_creation, customer_email, customer_update, discounts[]{coupon, promotion_code}, "
                        + "excluded_payment_method_types, expand, expires_at, integration_identifier, invoice_creation, "
                        + lineItem + ", locale, managed_payments, metadata, mode, name_collection, optional_items, "
                        + "origin_context, " + paymentIntentData + ", payment_method_collection, "
                        + "payment_method_configuration, payment_method_data, payment_method_options, payment_method_types, "
                        + "permissions, phone_number_collection, redirect_on_completion, return_url, "
                        + "saved_payment_method_options, setup_intent_data, shipping_address_collection, shipping_options, "
                        + "submit_type, " + subscriptionData
                        + ", success_url, tax_id_collection, ui_mode, wallet_options");
        d.put(
                "GET /v1/checkout/sessions",
                LIST + ", " + CREATED + ", customer, customer_account, "
                        + "customer_details, payment_intent, payment_link, status, subscription");
        d.put("GET /v1/checkout/sessions/{id}", "expand");
        d.put("GET /v1/checkout/sessions/{id}/line_items", LIST);
        d.put("POST /v1/checkout/sessions/{id}/expire", "expand");
    }

    private static void misc(Map<String, String> d) {
        d.put("GET /v1/account", "expand");
        d.put("GET /v1/accounts/{id}", "expand");
        d.put("GET /v1/balance", "expand");
        d.put("GET /v1/events", LIST + ", " + CREATED + ", delivery_success, type, types");
        d.put("GET /v1/events/{id}", "expand");
        d.put(
                "POST /v1/webhook_endpoints",
                "api_version, connect, description, enabled_events, expand, metadata, " + "url");
        d.put("GET /v1/webhook_endpoints", LIST);
        d.put("GET /v1/webhook_endpoints/{id}", "expand");
        d.put("POST /v1/webhook_endpoints/{id}", "description, disabled, enabled_events, expand, metadata, url");
        d.put("DELETE /v1/webhook_endpoints/{id}", "");
    }
}
