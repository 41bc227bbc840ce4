package dev.billing.server;

import dev.billing.smtp.SmtpConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The mail settings read from the environment into the SMTP adapter's {@link SmtpConfig}: the
 * {@code BILLING_SMTP_*} variables, {@code BILLING_APP_NAME} and {@code BILLING_NOTICE_TEMPLATES_DIR}. Blank values
 * count as unset. Without {@code BILLING_SMTP_HOST} mail is off (notices are only logged), unless another of these
 * variables is set, which is a problem: a misspelt host must not silently turn mail off.
 *
 * <p>Usage: {@code Optional<SmtpConfig> smtp = SmtpSettings.read(reader);} (empty when mail is off, or with the
 * problems in the reader)
 */
final class SmtpSettings {
    static final String HOST = "BILLING_SMTP_HOST";
    static final String PORT = "BILLING_SMTP_PORT";
    static final String USERNAME = "BILLING_SMTP_USERNAME";
    static final String PASSWORD = "BILLING_SMTP_PASSWORD";
    static final String FROM = "BILLING_SMTP_FROM";
    static final String STARTTLS = "BILLING_SMTP_STARTTLS";
    static final String TIMEOUT_MS = "BILLING_SMTP_TIMEOUT_MS";
    static final String APP_NAME = "BILLING_APP_NAME";
    static final String TEMPLATES_DIR = "BILLING_NOTICE_TEMPLATES_DIR";

    /** The adapter's problems are named by these variables. */
    static final SmtpConfig.SettingNames NAMES =
            new SmtpConfig.SettingNames(HOST, PORT, USERNAME, PASSWORD, FROM, TIMEOUT_MS, APP_NAME, TEMPLATES_DIR);
    /** Each means nothing without a host. */
    private static final List<String> NEED_A_HOST =
            List.of(PORT, USERNAME, PASSWORD, FROM, STARTTLS, TIMEOUT_MS, TEMPLATES_DIR);

    private SmtpSettings() {}

    /**
     * The mail server's configuration, or empty when mail is off or a setting is invalid; every problem is added to
     * {@code r}, starting with its variable's name and never repeating a value.
     */
    static Optional<SmtpConfig> read(EnvReader r) {
        String host = r.optional(HOST);
        List<String> problems = new ArrayList<>();
        if (host == null) {
            for (String name : NEED_A_HOST) {
                if (r.isSet(name)) {
                    problems.add(name + ": set, but " + HOST + " is not (set " + HOST + " to send mail, or remove it)");
                }
            }
            problems.forEach(r::problem);
            return Optional.empty();
        }
        // An unparsable number is reported and replaced by its (valid) default, so it is not reported twice.
        int port = integer(r, PORT, SmtpConfig.DEFAULT_PORT, ": must be a whole number from 1 to 65535", problems);
        int timeoutMs = integer(
                r,
                TIMEOUT_MS,
                (int) SmtpConfig.DEFAULT_TIMEOUT.toMillis(),
                ": must be a whole number of milliseconds",
                problems);
        boolean startTls = bool(r, STARTTLS, true, problems);
        SmtpConfig.Builder smtp = SmtpConfig.builder()
                .host(host)
                .port(port)
                .timeout(Duration.ofMillis(timeoutMs))
                .startTls(startTls)
                .username(r.optional(USERNAME))
                .password(r.optional(PASSWORD))
                .from(r.optional(FROM))
                .templatesDir(r.optional(TEMPLATES_DIR));
        String appName = r.optional(APP_NAME);
        if (appName != null) {
            smtp.appName(appName);
        }
        problems.addAll(smtp.problems(NAMES));
        problems.forEach(r::problem);
        return problems.isEmpty() ? Optional.of(smtp.build()) : Optional.empty();
    }

    private static int integer(EnvReader r, String name, int fallback, String problem, List<String> problems) {
        String value = r.optional(name);
        if (value == null) {
            return fallback;
        }
        if (!value.matches("[0-9]{1,9}")) {
            problems.add(name + problem);
            return fallback;
        }
        return Integer.parseInt(value);
    }

    private static boolean bool(EnvReader r, String name, boolean fallback, List<String> problems) {
        String value = r.optional(name);
        if (value == null) {
            return fallback;
        }
        switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on":
                return true;
            case "false", "0", "no", "off":
                return false;
            default:
                problems.add(name + ": must be true or false");
                return fallback;
        }
    }
}
