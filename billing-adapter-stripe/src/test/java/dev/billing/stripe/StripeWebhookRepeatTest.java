package dev.billing.stripe;

import static dev.billing.stripe.TestWebhooks.fixture;
import static dev.billing.stripe.TestWebhooks.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.StripeEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * One verifier, used again and again and from several threads at once, verifies and decodes every delivery the same
 * way: it keeps no state between calls that could leak from one webhook into the next. Its cost is a benchmark
 * figure (docs/BENCHMARKS.md), not a test.
 */
class StripeWebhookRepeatTest {
    private static final String SECRET = "whsec_repeat";
    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    private final StripeWebhookVerifier verifier =
            StripeWebhookVerifier.create(List.of("whsec_rotated_out", SECRET), Clock.fixed(NOW, ZoneOffset.UTC));

    private int decodedInARow(byte[] body, int times) {
        String signature = header(SECRET, NOW.getEpochSecond(), body);
        int decoded = 0;
        for (int i = 0; i < times; i++) {
            StripeEvent event = verifier.verify(body, signature);
            if (!(verifier.decode(event) instanceof EventObject.Other)) {
                decoded++;
            }
        }
        return decoded;
    }

    @Test
    void verifiesAndDecodesTheSameDeliveriesRepeatedly() {
        assertThat(decodedInARow(fixture("customer.subscription.updated.json"), 500))
                .isEqualTo(500);
        assertThat(decodedInARow(fixture("invoice.paid.json"), 500)).isEqualTo(500);
        assertThat(decodedInARow(StripeWebhookVerifierTest.largeInvoiceEvent(300 * 1024), 5))
                .isEqualTo(5);
    }

    @Test
    void decodesTheSameOnSeveralThreadsAtOnce() throws Exception {
        byte[] body = fixture("customer.subscription.updated.json");
        String signature = header(SECRET, NOW.getEpochSecond(), body);
        int threads = 4;
        int perThread = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < perThread; i++) {
                        if (verifier.decode(verifier.verify(body, signature)) instanceof EventObject.OfSubscription) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            int total = 0;
            for (Future<Integer> result : results) {
                total += result.get();
            }
            assertThat(total).isEqualTo(threads * perThread);
        } finally {
            pool.shutdownNow();
        }
    }
}
