package dev.billing.emulator;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How to start a {@link StripeEmulator}. Start from {@link #defaults()} and adjust with the
 * {@code with...} methods.
 *
 * <p>Usage: {@code StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed().withFrozenClock(true))}
 *
 * @param host interface to bind, {@code 127.0.0.1} by default
 * @param port TCP port, 0 for a free one
 * @param apiKey the secret key clients must present as {@code Bearer}
 * @param seed seed data: null, a file path, or {@code classpath:<resource>}
 * @param webhookRetrySchedule delays before retry 1, 2, ...; the last one repeats
 * @param webhookMaxAttempts attempts per delivery, including the first
 * @param webhookTimeout per-attempt timeout of a webhook POST
 * @param clockStart initial emulated time, null for "now"
 * @param frozenClock if true emulated time only moves through {@code advanceClock}
 * @param apiVersion written into events' {@code api_version} and the {@code Stripe-Version} header
 * @param publicBaseUrl base of hosted-page URLs (checkout, portal, invoices), null for {@code baseUrl()}
 * @param signWithEmulatedTime sign webhooks with emulated time instead of the wall clock (for a
 *     receiver whose verifier runs on {@link StripeEmulator#clock()})
 * @param stateFile where the emulator keeps its state across restarts (loaded at start if present,
 *     saved periodically and on {@link StripeEmulator#close()}); null to keep it in memory only
 * @param stateSaveInterval how often changed state is saved to {@code stateFile}
 * @param upcomingInvoiceDays how many days before a subscription renews {@code invoice.upcoming} is
 *     sent (Stripe's Dashboard setting "Upcoming renewal events"), 0 to send none
 */
public record EmulatorOptions(
        String host,
        int port,
        String apiKey,
        String seed,
        List<Duration> webhookRetrySchedule,
        int webhookMaxAttempts,
        Duration webhookTimeout,
        Instant clockStart,
        boolean frozenClock,
        String apiVersion,
        String publicBaseUrl,
        boolean signWithEmulatedTime,
        Path stateFile,
        Duration stateSaveInterval,
        int upcomingInvoiceDays) {

    /** The default test key. */
    public static final String DEFAULT_API_KEY = "sk_test_emulator";
    /** The API version stripe-java 33.3.0 pins. */
    public static final String DEFAULT_API_VERSION = "2026-07-29.dahlia";
    /** The sample seed shipped in this module's jar. */
    public static final String SAMPLE_SEED = "classpath:dev/billing/emulator/sample-seed.yaml";
    /** How often changed state is saved to the state file by default. */
    public static final Duration DEFAULT_STATE_SAVE_INTERVAL = Duration.ofSeconds(2);
    /** Days before a renewal that {@code invoice.upcoming} is sent by default, as in Stripe's Dashboard. */
    public static final int DEFAULT_UPCOMING_INVOICE_DAYS = 7;
    /** The most days before a renewal that {@code invoice.upcoming} can be set to. */
    public static final int MAX_UPCOMING_INVOICE_DAYS = 365;

    public EmulatorOptions {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException("apiKey must not be blank");
        }
        webhookRetrySchedule = List.copyOf(webhookRetrySchedule);
        if (webhookRetrySchedule.isEmpty()) {
            throw new IllegalArgumentException("webhookRetrySchedule must not be empty");
        }
        if (webhookMaxAttempts < 1) {
            throw new IllegalArgumentException("webhookMaxAttempts must be >= 1");
        }
        Objects.requireNonNull(webhookTimeout, "webhookTimeout");
        Objects.requireNonNull(apiVersion, "apiVersion");
        if (publicBaseUrl != null && publicBaseUrl.endsWith("/")) {
            publicBaseUrl = publicBaseUrl.substring(0, publicBaseUrl.length() - 1);
        }
        Objects.requireNonNull(stateSaveInterval, "stateSaveInterval");
        if (stateSaveInterval.isNegative() || stateSaveInterval.isZero()) {
            throw new IllegalArgumentException("stateSaveInterval must be positive");
        }
        checkUpcomingInvoiceDays(upcomingInvoiceDays);
    }

    /** The options without an {@code invoice.upcoming} lead (the record's shape before it existed): 7 days. */
    public EmulatorOptions(
            String host,
            int port,
            String apiKey,
            String seed,
            List<Duration> webhookRetrySchedule,
            int webhookMaxAttempts,
            Duration webhookTimeout,
            Instant clockStart,
            boolean frozenClock,
            String apiVersion,
            String publicBaseUrl,
            boolean signWithEmulatedTime,
            Path stateFile,
            Duration stateSaveInterval) {
        this(
                host,
                port,
                apiKey,
                seed,
                webhookRetrySchedule,
                webhookMaxAttempts,
                webhookTimeout,
                clockStart,
                frozenClock,
                apiVersion,
                publicBaseUrl,
                signWithEmulatedTime,
                stateFile,
                stateSaveInterval,
                DEFAULT_UPCOMING_INVOICE_DAYS);
    }

    static int checkUpcomingInvoiceDays(int days) {
        if (days < 0 || days > MAX_UPCOMING_INVOICE_DAYS) {
            throw new IllegalArgumentException(
                    "upcomingInvoiceDays must be 0 (none) to " + MAX_UPCOMING_INVOICE_DAYS + ", not " + days);
        }
        return days;
    }

    /** The options without a state file (the record's shape before state files existed). */
    public EmulatorOptions(
            String host,
            int port,
            String apiKey,
            String seed,
            List<Duration> webhookRetrySchedule,
            int webhookMaxAttempts,
            Duration webhookTimeout,
            Instant clockStart,
            boolean frozenClock,
            String apiVersion,
            String publicBaseUrl,
            boolean signWithEmulatedTime) {
        this(
                host,
                port,
                apiKey,
                seed,
                webhookRetrySchedule,
                webhookMaxAttempts,
                webhookTimeout,
                clockStart,
                frozenClock,
                apiVersion,
                publicBaseUrl,
                signWithEmulatedTime,
                null,
                DEFAULT_STATE_SAVE_INTERVAL);
    }

    /** Free port on 127.0.0.1, {@code sk_test_emulator}, no seed, retries 200ms/1s/3s, 5 attempts. */
    public static EmulatorOptions defaults() {
        return new EmulatorOptions(
                "127.0.0.1",
                0,
                DEFAULT_API_KEY,
                null,
                List.of(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(3)),
                5,
                Duration.ofSeconds(5),
                null,
                false,
                DEFAULT_API_VERSION,
                null,
                false,
                null,
                DEFAULT_STATE_SAVE_INTERVAL,
                DEFAULT_UPCOMING_INVOICE_DAYS);
    }

    public EmulatorOptions withHost(String value) {
        return new EmulatorOptions(
                value,
                port,
                apiKey,
                seed,
                webhookRetrySchedule,
                webhookMaxAttempts,
                webhookTimeout,
                clockStart,
                frozenClock,
                apiVersion,
                publicBaseUrl,
                signWithEmulatedTime,
                stateFile,
                stateSaveInterval,
                upcomingInvoiceDays);
    }

    public EmulatorOptions withPort(int value) {
        return new EmulatorOptions(
                host,
                value,
                apiKey,
                seed,
                webhookRetrySchedule,
                webhookMaxAttempts,
                webhookTimeout,
                clockStart,
                frozenClock,
                apiVersion,
                publicBaseUrl,
                signWithEmulatedTime,
                stateFile,
                stateSaveInterval,
                upcomingInvoiceDays);
    }

    public EmulatorOptions withApiKey(String value) {
        return new EmulatorOptions(
                host,
                port,
                value,
                seed,
                webhookRetrySchedule,
                webhookMaxAttempts,
                webhookTimeout,
                clockStart,
                frozenClock,
                apiVersion,
                publicBaseUrl,
                signWithEmulatedTime,
                stateFile,
                stateSaveInterval,
                upcomingInvoiceDays);
    }

    /** Seeds from a YAML ({@code .yaml}/{@code .yml}) or JSON file. */
    public EmulatorOptions withSeedFile(Path file) {
        return withSeed(file.toString());
    }

    /** Seeds from a classpath resource, e.g. {@code dev/billing/emulator/sample-seed.yaml}. */
    public EmulatorOptions withSeedResource(String resource) {
        return withSeed("classpath:" + resource);
    }

    /** Seeds with the shipped sample catalog (basic/pro/enterprise, metered API calls, one-offs). */
    public EmulatorOptions withSampleSeed() {
        return withSeed(SAMPLE_SEED);
    }

    /** Seed location: a file path or {@code classpath:<resource>}; null for none. */
    public EmulatorOptions withSeed(String value) {
        return new EmulatorOptions(
                host,
                port,
                apiKey,
                value,
                webhookRetrySchedule,
                webhookMaxAttempts,
                webhookTimeout,
                clockStart,
                frozenClock,
                apiVersion,
                publicBaseUrl,
                signWithEmulatedTime,
                stateFile,
                stateSaveInterval,
                upcomingInvoiceDays);
    }

    public EmulatorOptions withWebhookRetrySchedule(List<Duration> value) {
        return new EmulatorOptions(
                host,
                port,
                apiKey,
                seed,
                value,
                webhookMaxAttempts,
                webhookTimeout,
                clockStart,
                frozenClock,
                apiVersion,
                publicBaseUrl,
                signWithEmulatedTime,
                stateFile,
                stateSaveInterval,
                upcomingInvoiceDays);
    }

    public EmulatorOptions withWebhookMaxAttempts(int value) {
        return new EmulatorOptions(
                host,
                port,
                apiKey,
                seed,
                webhookRetrySchedule,
                value,
                webhookTimeout,
                clockStart,
                frozenClock,
                apiVersion,
                publicBaseUrl,
                signWithEmulatedTime,
                stateFile,
                stateSaveInterval,
                upcomingInvoiceDays);
    }

    public EmulatorOptions withWebhookTimeout(Duration value) {
        return new EmulatorOptions(
                host,
                port,
                apiKey,
                seed,
                webhookRetrySchedule,
                webhookMaxAttempts,
                value,
                clockStart,
                frozenClock,
                apiVersion,
                publicBaseUrl,
                signWithEmulatedTime,
                stateFile,
                stateSaveInterval,
                upcomingInvoiceDays);
    }

    public EmulatorOptions withClockStart(Instant value) {
        return new EmulatorOptions(
                host,
                port,
                apiKey,
                seed,
                webhookRetrySchedule,
                webhookMaxAttempts,
                webhookTimeout,
                value,
                frozenClock,
                apiVersion,
                publicBaseUrl,
                signWithEmulatedTime,
                stateFile,
                stateSaveInterval,
                upcomingInvoiceDays);
    }

    public EmulatorOptions withFrozenClock(boolean value) {
        return new EmulatorOptions(
                host,
                port,
                apiKey,
                seed,
                webhookRetrySchedule,
                webhookMaxAttempts,
                webhookTimeout,
                clockStart,
                value,
                apiVersion,
                publicBaseUrl,
                signWithEmulatedTime,
                stateFile,
                stateSaveInterval,
                upcomingInvoiceDays);
    }

    public EmulatorOptions withApiVersion(String value) {
        return new EmulatorOptions(
                host,
                port,
                apiKey,
                seed,
                webhookRetrySchedule,
                webhookMaxAttempts,
                webhookTimeout,
                clockStart,
                frozenClock,
                value,
                publicBaseUrl,
                signWithEmulatedTime,
                stateFile,
                stateSaveInterval,
                upcomingInvoiceDays);
    }

    public EmulatorOptions withPublicBaseUrl(String value) {
        return new EmulatorOptions(
                host,
                port,
                apiKey,
                seed,
                webhookRetrySchedule,
                webhookMaxAttempts,
                webhookTimeout,
                clockStart,
                frozenClock,
                apiVersion,
                value,
                signWithEmulatedTime,
                stateFile,
                stateSaveInterval,
                upcomingInvoiceDays);
    }

    /** Signs webhooks with emulated time (default: wall clock, like Stripe test clocks). */
    public EmulatorOptions withSignWithEmulatedTime(boolean value) {
        return new EmulatorOptions(
                host,
                port,
                apiKey,
                seed,
                webhookRetrySchedule,
                webhookMaxAttempts,
                webhookTimeout,
                clockStart,
                frozenClock,
                apiVersion,
                publicBaseUrl,
                value,
                stateFile,
                stateSaveInterval,
                upcomingInvoiceDays);
    }

    /**
     * Keeps the emulator's state in {@code file} (JSON): loaded at start when the file exists (the
     * seed is then not applied again), saved every {@link #stateSaveInterval()} when something
     * changed, and on {@link StripeEmulator#close()}. A restarted emulator on the same file knows
     * every object, event and meter event it knew, and its clock keeps the lead it had over real
     * time. Null: memory only.
     */
    public EmulatorOptions withStateFile(Path value) {
        return new EmulatorOptions(
                host,
                port,
                apiKey,
                seed,
                webhookRetrySchedule,
                webhookMaxAttempts,
                webhookTimeout,
                clockStart,
                frozenClock,
                apiVersion,
                publicBaseUrl,
                signWithEmulatedTime,
                value,
                stateSaveInterval,
                upcomingInvoiceDays);
    }

    /** How often changed state is saved to the state file (default 2 s). */
    public EmulatorOptions withStateSaveInterval(Duration value) {
        return new EmulatorOptions(
                host,
                port,
                apiKey,
                seed,
                webhookRetrySchedule,
                webhookMaxAttempts,
                webhookTimeout,
                clockStart,
                frozenClock,
                apiVersion,
                publicBaseUrl,
                signWithEmulatedTime,
                stateFile,
                value,
                upcomingInvoiceDays);
    }

    /**
     * Sends {@code invoice.upcoming} {@code days} before each renewal (Stripe's default is 7); 0 sends
     * none. {@link StripeEmulator#upcomingInvoiceDays(int)} changes it while running.
     */
    public EmulatorOptions withUpcomingInvoiceDays(int days) {
        return new EmulatorOptions(
                host,
                port,
                apiKey,
                seed,
                webhookRetrySchedule,
                webhookMaxAttempts,
                webhookTimeout,
                clockStart,
                frozenClock,
                apiVersion,
                publicBaseUrl,
                signWithEmulatedTime,
                stateFile,
                stateSaveInterval,
                days);
    }

    /** Delay before retry number {@code retry} (1-based): the schedule's last entry repeats. */
    public Duration retryDelay(int retry) {
        int index = Math.min(retry - 1, webhookRetrySchedule.size() - 1);
        return webhookRetrySchedule.get(Math.max(0, index));
    }

    /** A copy safe to print: the API key is masked. */
    @Override
    public String toString() {
        return "EmulatorOptions[host=" + host + ", port=" + port + ", apiKey=" + mask(apiKey)
                + ", seed=" + seed + ", webhookRetrySchedule=" + webhookRetrySchedule
                + ", webhookMaxAttempts=" + webhookMaxAttempts + ", webhookTimeout=" + webhookTimeout
                + ", clockStart=" + clockStart + ", frozenClock=" + frozenClock
                + ", apiVersion=" + apiVersion + ", publicBaseUrl=" + publicBaseUrl
                + ", signWithEmulatedTime=" + signWithEmulatedTime + ", stateFile=" + stateFile
                + ", stateSaveInterval=" + stateSaveInterval + ", upcomingInvoiceDays=" + upcomingInvoiceDays
                + "]";
    }

    /** {@code key} safe to print: its prefix up to the last underscore, then {@code ****}. */
    public static String mask(String key) {
        if (key == null) {
            return "null";
        }
        int underscore = key.lastIndexOf('_');
        return (underscore > 0 ? key.substring(0, underscore + 1) : "") + "****";
    }
}
