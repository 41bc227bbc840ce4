package dev.billing.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A fixed single-threaded reference workload, timed before and after the scenarios: reading every token of the
 * bench's 5 KB {@code customer.subscription.updated} event with Jackson's streaming parser. Shared machines drift,
 * and the report's figures can only be
 * compared with another report's when both say how fast the machine was while they ran. Best of five rounds, after
 * a warm-up, in microseconds per read.
 */
final class MachineSpeed {
    private static final int READS_PER_ROUND = 20_000;
    private static final JsonFactory JSON = new JsonFactory();
    /** Where the reads' results go, so that the JIT cannot drop them as unused. */
    private static volatile long sink;

    private MachineSpeed() {}

    /** Microseconds per read of the reference event, best of five rounds. */
    static double referenceMicros() {
        byte[] event = StripeEvents.subscriptionUpdated(
                        "evt_reference_workload_0001",
                        1_700_000_000L,
                        "sub_reference_workload_0000",
                        "cus_reference_workload_00",
                        "user_reference_0",
                        2,
                        1_690_000_000L,
                        1_699_000_000L,
                        1_701_592_000L)
                .getBytes(StandardCharsets.UTF_8);
        readRound(event);
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long start = System.nanoTime();
            readRound(event);
            best = Math.min(best, System.nanoTime() - start);
        }
        return best / 1000.0 / READS_PER_ROUND;
    }

    private static void readRound(byte[] event) {
        long sum = 0;
        for (int i = 0; i < READS_PER_ROUND; i++) {
            sum += read(event);
        }
        sink = sum;
    }

    /** Every token of the event; the sum of the string values' lengths. */
    static long read(byte[] event) {
        long n = 0;
        try (JsonParser p = JSON.createParser(event)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.VALUE_STRING || t == JsonToken.FIELD_NAME) {
                    n += p.getTextLength();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }
}
