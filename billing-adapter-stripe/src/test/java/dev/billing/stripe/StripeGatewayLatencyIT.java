package dev.billing.stripe;

import dev.billing.core.model.NewCustomer;
import dev.billing.core.model.UserId;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.StripeEmulator;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.function.IntConsumer;

import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adapter's own cost per call over loopback HTTP (stripe-java, HttpURLConnection, mapping), against the
 * emulator. Real Stripe adds its network round trip (typically 100-400 ms); the bounds only catch pathologies
 * such as a client built per call or a lost keep-alive. Numbers are printed and recorded in docs/STRIPE.md.
 */
class StripeGatewayLatencyIT {

    private static double[] millis(int calls, IntConsumer call) {
        for (int i = 0; i < 50; i++) {
            call.accept(i); // warm-up
        }
        double[] samples = new double[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            call.accept(i);
            samples[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(samples);
        return samples;
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    @Test
    void callsCostAFewMillisecondsOverLoopback() {
        try (StripeEmulator emulator = StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed())) {
            StripePaymentGateway gateway = StripePaymentGateway.create(StripeConfig.of(emulator.apiKey())
                    .withApiBase(emulator.baseUrl()));
            double[] reads = millis(300, i -> gateway.getPrice("price_pro_monthly").orElseThrow());
            double[] writes = millis(300, i -> gateway.createCustomer(new NewCustomer(UserId.of(unique("user_")),
                    null, unique("key-"))));
            System.out.printf("gateway latency vs emulator: getPrice p50 %.2f ms p95 %.2f ms; createCustomer p50 "
                    + "%.2f ms p95 %.2f ms%n", percentile(reads, 0.5), percentile(reads, 0.95),
                    percentile(writes, 0.5), percentile(writes, 0.95));
            assertThat(percentile(reads, 0.5)).isLessThan(20);
            assertThat(percentile(writes, 0.5)).isLessThan(20);
        }
    }
}
