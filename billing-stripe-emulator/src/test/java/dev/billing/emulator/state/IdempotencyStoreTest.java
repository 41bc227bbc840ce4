package dev.billing.emulator.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdempotencyStoreTest {
    private final IdempotencyStore store = new IdempotencyStore();

    @Test
    void keysAreScopedToTheApiKey() {
        String a = IdempotencyStore.scope("sk_test_a", "key-1");
        String b = IdempotencyStore.scope("sk_test_b", "key-1");
        assertThat(store.begin(a, "POST /v1/customers {}")).isInstanceOf(IdempotencyStore.Proceed.class);
        store.save(a, new IdempotencyStore.Saved("POST /v1/customers {}", 200, "{}", "req_1"));
        store.end(a);

        assertThat(store.begin(b, "POST /v1/customers {\"x\":1}")).isInstanceOf(IdempotencyStore.Proceed.class);
    }

    @Test
    void savedResultReplaysOnlyForTheSameFingerprint() {
        String key = IdempotencyStore.scope("sk", "k");
        store.begin(key, "f1");
        store.save(key, new IdempotencyStore.Saved("f1", 402, "{\"error\":{}}", "req_1"));
        store.end(key);

        assertThat(store.begin(key, "f1"))
                .isEqualTo(
                        new IdempotencyStore.Replay(new IdempotencyStore.Saved("f1", 402, "{\"error\":{}}", "req_1")));
        assertThat(store.begin(key, "f2")).isInstanceOf(IdempotencyStore.Conflict.class);
    }

    @Test
    void aKeyIsInFlightUntilItEnds() {
        String key = IdempotencyStore.scope("sk", "k");
        assertThat(store.begin(key, "f1")).isInstanceOf(IdempotencyStore.Proceed.class);
        assertThat(store.begin(key, "f1")).isInstanceOf(IdempotencyStore.InFlight.class);
        assertThat(store.begin(key, "f2")).isInstanceOf(IdempotencyStore.Conflict.class);
        store.end(key);
        assertThat(store.begin(key, "f1")).isInstanceOf(IdempotencyStore.Proceed.class);
    }
}
