package dev.billing.emulator.resource;

import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.state.Ids;
import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.Json;
import dev.billing.emulator.wire.Routes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ephemeral keys for a customer, what a mobile SDK (Stripe's PaymentSheet) uses to list and save that customer's
 * cards. As at Stripe, creating one needs the {@code Stripe-Version} header the mobile SDK was built for (stripe-java
 * sends it from {@code EphemeralKeyCreateParams.setStripeVersion}); a key lives one hour.
 */
public final class EphemeralKeys {
    private static final long LIFETIME_SECONDS = 3600;

    private final EmulatorState s;

    public EphemeralKeys(EmulatorState state) {
        this.s = state;
    }

    public void register(Routes r) {
        r.add("POST", "/v1/ephemeral_keys", this::create);
        r.add("DELETE", "/v1/ephemeral_keys/{id}", c -> {
            Map<String, Object> key = s.store.require("ephemeral_key", c.var("id"), "id");
            key.put("expires", s.now());
            return s.render(key);
        });
    }

    private Map<String, Object> create(Routes.Call c) {
        if (c.stripeVersion() == null || c.stripeVersion().isBlank()) {
            throw ApiError.invalid(
                    "Stripe-Version header is required when creating ephemeral keys: pass the API version your "
                            + "mobile SDK uses.",
                    null);
        }
        String customerId = c.params().strOrNull("customer");
        if (customerId == null) {
            throw ApiError.invalid(
                    "You must pass one of customer, issuing_card, nonce or verification_session.", "customer");
        }
        s.store.require("customer", customerId, "customer");
        long now = s.now();
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("id", Ids.next("ephkey"));
        key.put("object", "ephemeral_key");
        List<Map<String, Object>> associated = new ArrayList<>();
        associated.add(Json.obj("id", customerId, "type", "customer"));
        key.put("associated_objects", associated);
        key.put("created", now);
        key.put("expires", now + LIFETIME_SECONDS);
        key.put("livemode", false);
        key.put("secret", "ek_test_" + Ids.random(40));
        s.store.put(key);
        return s.render(key);
    }
}
