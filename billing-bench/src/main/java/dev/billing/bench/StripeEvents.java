package dev.billing.bench;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Realistic Stripe webhook deliveries for the ingest scenario: {@code customer.created} (about 2 KB) and
 * {@code customer.subscription.updated} (about 4 KB) events shaped like Stripe's (API {@code 2026-07-29.dahlia}:
 * the period and the price on the subscription item, a full {@code plan} and {@code price}, the usual nulls), signed
 * with Stripe's scheme: {@code Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>}.
 *
 * <p>A subscription event's version shows in its {@code created} second and in its quantity, so that the check can
 * tell which version the projection holds.
 */
final class StripeEvents {
    static final String API_VERSION = "2026-07-29.dahlia";
    static final String PRICE = "price_pro_monthly";
    static final String PRODUCT = "prod_pro";

    private final byte[] secret;
    private final ThreadLocal<Mac> macs;

    StripeEvents(String webhookSecret) {
        this.secret = webhookSecret.getBytes(StandardCharsets.UTF_8);
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** {@code t=...,v1=...} for {@code body} signed at {@code timestamp}. */
    String signature(long timestamp, byte[] body, int length) {
        Mac mac = macs.get();
        mac.update(Long.toString(timestamp).getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) '.');
        mac.update(body, 0, length);
        byte[] digest = mac.doFinal();
        char[] hex = new char[64];
        for (int i = 0; i < 32; i++) {
            hex[2 * i] = Character.forDigit((digest[i] >> 4) & 0xf, 16);
            hex[2 * i + 1] = Character.forDigit(digest[i] & 0xf, 16);
        }
        return "t=" + timestamp + ",v1=" + new String(hex);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String customerCreated(String eventId, long created, String customerId, String userId, String email) {
        StringBuilder b = new StringBuilder(2400);
        b.append("{\n  \"id\": \"")
                .append(eventId)
                .append("\",\n  \"object\": \"event\",\n  \"api_version\": \"")
                .append(API_VERSION)
                .append("\",\n  \"created\": ")
                .append(created)
                .append(",\n  \"data\": {\n")
                .append("    \"object\": {\n      \"id\": \"")
                .append(customerId)
                .append("\",\n")
                .append("      \"object\": \"customer\",\n      \"address\": {\n        \"city\": \"Berlin\",\n")
                .append("        \"country\": \"DE\",\n        \"line1\": \"Friedrichstrasse 123\",\n")
                .append("        \"line2\": null,\n        \"postal_code\": \"10117\",\n        \"state\": null\n")
                .append("      },\n      \"balance\": 0,\n      \"created\": ")
                .append(created)
                .append(",\n")
                .append("      \"currency\": null,\n      \"default_source\": null,\n      \"delinquent\": false,\n")
                .append("      \"description\": null,\n      \"discount\": null,\n      \"email\": \"")
                .append(email)
                .append("\",\n      \"invoice_prefix\": \"")
                .append(prefixOf(customerId))
                .append("\",\n")
                .append("      \"invoice_settings\": {\n        \"custom_fields\": null,\n")
                .append("        \"default_payment_method\": null,\n        \"footer\": null,\n")
                .append("        \"rendering_options\": null\n      },\n      \"livemode\": false,\n")
                .append("      \"metadata\": {\n        \"user_id\": \"")
                .append(userId)
                .append("\",\n")
                .append("        \"signup_source\": \"web\"\n      },\n      \"name\": \"Bench Customer\",\n")
                .append("      \"next_invoice_sequence\": 1,\n      \"phone\": null,\n")
                .append("      \"preferred_locales\": [\n        \"en-US\"\n      ],\n      \"shipping\": null,\n")
                .append("      \"tax_exempt\": \"none\",\n      \"test_clock\": null\n    }\n  },\n")
                .append("  \"livemode\": false,\n  \"pending_webhooks\": 2,\n  \"request\": {\n    \"id\": \"req_")
                .append(eventId, 4, eventId.length())
                .append("\",\n    \"idempotency_key\": \"")
                .append("billing-customer-9c1a6f0e2b7d4c3a8e5f1b2d3c4a5e6f")
                .append("\"\n  },\n")
                .append("  \"type\": \"customer.created\"\n}\n");
        return b.toString();
    }

    static String subscriptionUpdated(
            String eventId,
            long created,
            String subscriptionId,
            String customerId,
            String userId,
            long quantity,
            long subscriptionCreated,
            long periodStart,
            long periodEnd) {
        String item = "si_" + subscriptionId.substring(4);
        StringBuilder b = new StringBuilder(5200);
        b.append("{\n  \"id\": \"")
                .append(eventId)
                .append("\",\n  \"object\": \"event\",\n  \"api_version\": \"")
                .append(API_VERSION)
                .append("\",\n  \"created\": ")
                .append(created)
                .append(",\n  \"data\": {\n")
                .append("    \"object\": {\n      \"id\": \"")
                .append(subscriptionId)
                .append("\",\n")
                .append("      \"object\": \"subscription\",\n      \"application\": null,\n")
                .append("      \"application_fee_percent\": null,\n      \"automatic_tax\": {\n")
                .append("        \"disabled_reason\": null,\n        \"enabled\": false,\n")
                .append("        \"liability\": null\n      },\n      \"billing_cycle_anchor\": ")
                .append(subscriptionCreated)
                .append(",\n      \"billing_cycle_anchor_config\": null,\n")
                .append("      \"billing_mode\": {\n        \"type\": \"classic\"\n      },\n")
                .append("      \"billing_thresholds\": null,\n      \"cancel_at\": null,\n")
                .append("      \"cancel_at_period_end\": false,\n      \"canceled_at\": null,\n")
                .append("      \"cancellation_details\": {\n        \"comment\": null,\n        \"feedback\": null,\n")
                .append("        \"reason\": null\n      },\n      \"collection_method\": \"charge_automatically\",\n")
                .append("      \"created\": ")
                .append(subscriptionCreated)
                .append(",\n")
                .append("      \"currency\": \"usd\",\n      \"customer\": \"")
                .append(customerId)
                .append("\",\n")
                .append("      \"days_until_due\": null,\n      \"default_payment_method\": \"pm_1Qx")
                .append(subscriptionId, 4, Math.min(subscriptionId.length(), 24))
                .append("\",\n")
                .append("      \"default_source\": null,\n      \"default_tax_rates\": [],\n")
                .append("      \"description\": null,\n      \"discounts\": [],\n      \"ended_at\": null,\n")
                .append("      \"invoice_settings\": {\n        \"account_tax_ids\": null,\n")
                .append("        \"issuer\": {\n          \"type\": \"self\"\n        }\n      },\n")
                .append("      \"items\": {\n        \"object\": \"list\",\n        \"data\": [\n          {\n")
                .append("            \"id\": \"")
                .append(item)
                .append("\",\n")
                .append("            \"object\": \"subscription_item\",\n            \"billing_thresholds\": null,\n")
                .append("            \"created\": ")
                .append(subscriptionCreated)
                .append(",\n")
                .append("            \"current_period_end\": ")
                .append(periodEnd)
                .append(",\n")
                .append("            \"current_period_start\": ")
                .append(periodStart)
                .append(",\n")
                .append("            \"discounts\": [],\n            \"metadata\": {},\n            \"plan\": {\n")
                .append("              \"id\": \"")
                .append(PRICE)
                .append("\",\n")
                .append("              \"object\": \"plan\",\n              \"active\": true,\n")
                .append("              \"amount\": 2900,\n              \"amount_decimal\": \"2900\",\n")
                .append("              \"billing_scheme\": \"per_unit\",\n              \"created\": 1704067200,\n")
                .append("              \"currency\": \"usd\",\n              \"interval\": \"month\",\n")
                .append("              \"interval_count\": 1,\n              \"livemode\": false,\n")
                .append("              \"metadata\": {},\n              \"meter\": null,\n")
                .append("              \"nickname\": null,\n              \"product\": \"")
                .append(PRODUCT)
                .append("\",\n              \"tiers_mode\": null,\n              \"transform_usage\": null,\n")
                .append("              \"trial_period_days\": null,\n              \"usage_type\": \"licensed\"\n")
                .append("            },\n            \"price\": {\n              \"id\": \"")
                .append(PRICE)
                .append("\",\n              \"object\": \"price\",\n              \"active\": true,\n")
                .append("              \"billing_scheme\": \"per_unit\",\n              \"created\": 1704067200,\n")
                .append("              \"currency\": \"usd\",\n              \"custom_unit_amount\": null,\n")
                .append("              \"livemode\": false,\n              \"lookup_key\": \"pro_monthly\",\n")
                .append("              \"metadata\": {},\n              \"nickname\": null,\n")
                .append("              \"product\": \"")
                .append(PRODUCT)
                .append("\",\n")
                .append("              \"recurring\": {\n                \"interval\": \"month\",\n")
                .append("                \"interval_count\": 1,\n                \"meter\": null,\n")
                .append("                \"trial_period_days\": null,\n                \"usage_type\": \"licensed\"\n")
                .append("              },\n              \"tax_behavior\": \"unspecified\",\n")
                .append("              \"tiers_mode\": null,\n              \"transform_quantity\": null,\n")
                .append("              \"type\": \"recurring\",\n              \"unit_amount\": 2900,\n")
                .append("              \"unit_amount_decimal\": \"2900\"\n            },\n")
                .append("            \"quantity\": ")
                .append(quantity)
                .append(",\n")
                .append("            \"subscription\": \"")
                .append(subscriptionId)
                .append("\",\n")
                .append("            \"tax_rates\": []\n          }\n        ],\n        \"has_more\": false,\n")
                .append("        \"total_count\": 1,\n        \"url\": \"/v1/subscription_items?subscription=")
                .append(subscriptionId)
                .append("\"\n      },\n      \"latest_invoice\": \"in_1Qx")
                .append(subscriptionId, 4, Math.min(subscriptionId.length(), 24))
                .append("\",\n")
                .append("      \"livemode\": false,\n      \"metadata\": {\n        \"user_id\": \"")
                .append(userId)
                .append("\",\n        \"bench_version\": \"")
                .append(quantity)
                .append("\"\n      },\n")
                .append("      \"next_pending_invoice_item_invoice\": null,\n      \"on_behalf_of\": null,\n")
                .append("      \"pause_collection\": null,\n      \"payment_settings\": {\n")
                .append("        \"payment_method_options\": null,\n        \"payment_method_types\": null,\n")
                .append("        \"save_default_payment_method\": \"off\"\n      },\n")
                .append("      \"pending_invoice_item_interval\": null,\n      \"pending_setup_intent\": null,\n")
                .append("      \"pending_update\": null,\n      \"schedule\": null,\n      \"start_date\": ")
                .append(subscriptionCreated)
                .append(",\n      \"status\": \"active\",\n      \"test_clock\": null,\n")
                .append("      \"transfer_data\": null,\n      \"trial_end\": null,\n      \"trial_settings\": {\n")
                .append("        \"end_behavior\": {\n          \"missing_payment_method\": \"create_invoice\"\n")
                .append("        }\n      },\n      \"trial_start\": null\n    },\n")
                .append("    \"previous_attributes\": {\n      \"items\": {\n        \"data\": [\n          {\n")
                .append("            \"id\": \"")
                .append(item)
                .append("\",\n            \"quantity\": ")
                .append(Math.max(1, quantity - 1))
                .append("\n          }\n        ]\n      },\n")
                .append("      \"metadata\": {\n        \"bench_version\": \"")
                .append(Math.max(1, quantity - 1))
                .append("\"\n      }\n    }\n  },\n  \"livemode\": false,\n  \"pending_webhooks\": 2,\n")
                .append("  \"request\": {\n    \"id\": null,\n    \"idempotency_key\": null\n  },\n")
                .append("  \"type\": \"customer.subscription.updated\"\n}\n");
        return b.toString();
    }

    private static String prefixOf(String customerId) {
        String tail = customerId.replaceAll("[^A-Za-z0-9]", "").toUpperCase(java.util.Locale.ROOT);
        return tail.substring(Math.max(0, tail.length() - 8));
    }
}
