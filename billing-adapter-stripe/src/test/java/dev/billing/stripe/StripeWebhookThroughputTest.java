package dev.billing.stripe;

import dev.billing.core.model.EventObject;
import dev.billing.core.model.StripeEvent;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.billing.stripe.TestWebhooks.fixture;
import static dev.billing.stripe.TestWebhooks.header;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Verify + decode cost per webhook (the server must take thousands per second). Generous bounds so that a slow CI
 * machine passes while a regression by an order of magnitude (re-parsing, a Mac per call from the provider, a
 * tree built during verification) fails; the measured numbers are printed and recorded in docs/STRIPE.md.
 */
class StripeWebhookThroughputTest {
    private static final String SECRET = "whsec_throughput";
    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    private final StripeWebhookVerifier verifier = StripeWebhookVerifier.create(List.of("whsec_rotated_out", SECRET),
            Clock.fixed(NOW, ZoneOffset.UTC));

    /** The fastest of five rounds after a warm-up: the steady-state cost, less exposed to a busy machine. */
    private double microsPerWebhook(byte[] body, int iterations) {
        String signature = header(SECRET, NOW.getEpochSecond(), body);
        for (int i = 0; i < 2 * iterations; i++) { // warm-up
            verifier.decode(verifier.verify(body, signature));
        }
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long start = System.nanoTime();
            int decoded = 0;
            for (int i = 0; i < iterations; i++) {
                StripeEvent event = verifier.verify(body, signature);
                if (!(verifier.decode(event) instanceof EventObject.Other)) {
                    decoded++;
                }
            }
            best = Math.min(best, (System.nanoTime() - start) / 1_000.0 / iterations);
            assertThat(decoded).isEqualTo(iterations);
        }
        return best;
    }

    @Test
    void verifiesAndDecodesThousandsOfWebhooksPerSecondOnOneThread() {
        double subscription = microsPerWebhook(fixture("customer.subscription.updated.json"), 10_000);
        double invoice = microsPerWebhook(fixture("invoice.paid.json"), 10_000);
        double large = microsPerWebhook(StripeWebhookVerifierTest.largeInvoiceEvent(300 * 1024), 100);
        System.out.printf("verify+decode per webhook: subscription (5 KB) %.1f us, invoice (5 KB) %.1f us, "
                + "invoice (300 KB) %.0f us%n", subscription, invoice, large);
        assertThat(subscription).as("us per 5 KB subscription webhook").isLessThan(500);
        assertThat(invoice).as("us per 5 KB invoice webhook").isLessThan(500);
        assertThat(large).as("us per 300 KB invoice webhook").isLessThan(20_000);
    }

    @Test
    void scalesAcrossThreadsWithoutSharingMacState() throws Exception {
        byte[] body = fixture("customer.subscription.updated.json");
        String signature = header(SECRET, NOW.getEpochSecond(), body);
        int threads = 4;
        int perThread = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int i = 0; i < perThread; i++) { // warm-up
                verifier.decode(verifier.verify(body, signature));
            }
            long start = System.nanoTime();
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
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("verify+decode, %d threads: %.0f webhooks/s%n", threads, total / seconds);
            assertThat(total).isEqualTo(threads * perThread);
        } finally {
            pool.shutdownNow();
        }
    }
}
