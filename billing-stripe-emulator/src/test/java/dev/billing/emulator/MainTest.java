package dev.billing.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The command line of billing-stripe-emulator.jar, run in-process. */
class MainTest {
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    /** For command lines that must be rejected before anything starts. */
    private static final Consumer<StripeEmulator> MUST_NOT_START = emu -> {
        throw new AssertionError("the emulator should not have started");
    };

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    private int run(String... args) {
        return Main.run(args, out, err, MUST_NOT_START);
    }

    @Test
    void helpPrintsUsageAndExitsZero() {
        assertThat(run("--help")).isZero();

        assertThat(out())
                .startsWith("Usage: java -jar billing-stripe-emulator.jar [options]")
                .contains(
                        "--port N",
                        "--host HOST",
                        "--seed LOCATION",
                        "--sample-seed",
                        "--api-key KEY",
                        "--state-file PATH",
                        "--help",
                        "(default 12111)");
        assertThat(err()).isEmpty();
    }

    @Test
    void anUnknownOptionIsAOneLineErrorWithUsageAndExitsTwo() {
        assertThat(run("--port", "0", "--verbose")).isEqualTo(2);

        assertThat(err().lines().findFirst()).hasValue("error: unknown option --verbose");
        assertThat(err()).contains("Usage: java -jar billing-stripe-emulator.jar");
        assertThat(out()).isEmpty();
    }

    @Test
    void aStrayArgumentIsRejected() {
        assertThat(run("12111")).isEqualTo(2);

        assertThat(err().lines().findFirst()).hasValue("error: unexpected argument 12111");
    }

    @Test
    void aPortOutsideTheRangeOrNotANumberExitsTwo() {
        for (String port : new String[] {"65536", "-1", "http", "1e3"}) {
            outBytes.reset();
            errBytes.reset();

            assertThat(run("--port", port)).as(port).isEqualTo(2);

            assertThat(err().lines().findFirst())
                    .as(port)
                    .hasValue("error: --port must be a number from 0 to 65535, not " + port);
            assertThat(err()).contains("Usage:");
            assertThat(out()).isEmpty();
        }
    }

    @Test
    void aMissingValueExitsTwo() {
        assertThat(run("--port")).isEqualTo(2);
        assertThat(err().lines().findFirst()).hasValue("error: missing value for --port");

        errBytes.reset();
        assertThat(run("--seed", "--sample-seed")).isEqualTo(2);
        assertThat(err().lines().findFirst()).hasValue("error: missing value for --seed");
    }

    @Test
    void aValueTheOptionsRejectExitsTwo() {
        assertThat(run("--api-key", " ")).isEqualTo(2);

        assertThat(err().lines().findFirst()).hasValue("error: invalid value for --api-key: apiKey must not be blank");
    }

    @Test
    void upcomingInvoiceDaysIsAnOptionFromZeroTo365() {
        assertThat(run("--help")).isZero();
        assertThat(out()).contains("--upcoming-invoice-days N", "(default 7,");

        for (String days : new String[] {"-1", "366", "seven"}) {
            errBytes.reset();
            assertThat(run("--upcoming-invoice-days", days)).as(days).isEqualTo(2);
            assertThat(err().lines().findFirst())
                    .as(days)
                    .hasValue("error: --upcoming-invoice-days must be a number from 0 to 365, not " + days);
        }

        AtomicReference<Integer> days = new AtomicReference<>();
        assertThat(Main.run(
                        new String[] {"--port", "0", "--upcoming-invoice-days", "3"},
                        out,
                        err,
                        emu -> days.set(emu.upcomingInvoiceDays())))
                .isZero();
        assertThat(days.get()).isEqualTo(3);
    }

    @Test
    void aSeedThatCannotBeReadExitsOneWithTheReason() {
        assertThat(Main.run(new String[] {"--port", "0", "--seed", "no/such/seed.yaml"}, out, err, MUST_NOT_START))
                .isEqualTo(1);

        assertThat(err().lines().toList())
                .singleElement()
                .asString()
                .startsWith("error: cannot read seed no/such/seed.yaml");
        assertThat(out()).isEmpty();
    }

    @Test
    void startsAnEmulatorThatAnswersOverHttpThenStopsIt() {
        AtomicReference<StripeEmulator> started = new AtomicReference<>();
        AtomicReference<ControlClient.Reply> products = new AtomicReference<>();

        int code = Main.run(
                new String[] {"--port", "0", "--host", "127.0.0.1", "--sample-seed", "--api-key", "sk_test_cli_secret"},
                out,
                err,
                emu -> {
                    started.set(emu);
                    products.set(new ControlClient(emu).api("GET", "/v1/products?limit=100", null, null));
                });

        assertThat(code).isZero();
        StripeEmulator emu = started.get();
        assertThat(emu.port()).isPositive();
        assertThat(out())
                .isEqualTo("Stripe emulator listening on http://127.0.0.1:" + emu.port() + " (API key sk_test_cli_****)"
                        + System.lineSeparator());
        assertThat(out()).doesNotContain("sk_test_cli_secret");
        assertThat(products.get().status()).isEqualTo(200);
        assertThat(products.get().json().get("data").findValuesAsText("id")).contains("prod_pro");
        assertThat(emu.isUp()).as("stopped once run returned").isFalse();
        assertThat(err()).isEmpty();
    }
}
