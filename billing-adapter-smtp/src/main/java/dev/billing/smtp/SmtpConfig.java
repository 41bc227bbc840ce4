package dev.billing.smtp;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link SmtpNotifier} reaches the mail server. Validated on construction ({@link IllegalArgumentException}
 * listing every problem); {@link #toString()} never shows the password.
 *
 * <p>Usage, in a composition root:
 * <pre>{@code
 * SmtpConfig.Loaded smtp = SmtpConfig.fromEnvironment(System.getenv());
 * smtp.problems().forEach(problems::add);            // aggregate with the rest of the configuration
 * Notifier notifier = smtp.config().<Notifier>map(SmtpNotifier::create).orElseGet(LogNotifier::new);
 * }</pre>
 *
 * @param host      the SMTP server (submission service)
 * @param port      its port, default 587 (submission with STARTTLS); 465 (implicit TLS) is not supported
 * @param username  SMTP AUTH user, null for no authentication
 * @param password  SMTP AUTH password, set exactly when {@code username} is
 * @param from      the From address, optionally with a display name: {@code Billing <billing@example.com>}
 * @param startTls  require STARTTLS before authenticating and sending (default true; there is no plain-text
 *                  fallback when the server does not offer it)
 * @param timeout   connect, read and write timeout of every network operation, 100 ms to 15 s (default 5 s); a
 *                  whole send is given three times this, so it stays under the inbox lease (60 s by default)
 * @param appName   the product's name, used in subjects and texts (default "billing")
 * @param templatesDir a directory of templates replacing built-in ones (NOTIFICATIONS.md), null for none
 */
public record SmtpConfig(String host, int port, String username, String password, String from, boolean startTls,
                         Duration timeout, String appName, String templatesDir) {

    public static final int DEFAULT_PORT = 587;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(5_000);
    public static final String DEFAULT_APP_NAME = "billing";
    public static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(15);
    static final int MAX_APP_NAME_CHARS = 60;

    /** Environment variables read by {@link #fromEnvironment(Map)}. */
    public static final String ENV_HOST = "BILLING_SMTP_HOST";
    public static final String ENV_PORT = "BILLING_SMTP_PORT";
    public static final String ENV_USERNAME = "BILLING_SMTP_USERNAME";
    public static final String ENV_PASSWORD = "BILLING_SMTP_PASSWORD";
    public static final String ENV_FROM = "BILLING_SMTP_FROM";
    public static final String ENV_STARTTLS = "BILLING_SMTP_STARTTLS";
    public static final String ENV_TIMEOUT_MS = "BILLING_SMTP_TIMEOUT_MS";
    public static final String ENV_APP_NAME = "BILLING_APP_NAME";
    public static final String ENV_TEMPLATES_DIR = "BILLING_NOTICE_TEMPLATES_DIR";

    private static final List<String> SMTP_VARIABLES = List.of(ENV_PORT, ENV_USERNAME, ENV_PASSWORD, ENV_FROM,
            ENV_STARTTLS, ENV_TIMEOUT_MS, ENV_TEMPLATES_DIR);

    public SmtpConfig {
        username = blankToNull(username);
        password = blankToNull(password);
        appName = appName == null ? DEFAULT_APP_NAME : appName.strip();
        host = host == null ? null : host.strip();
        from = from == null ? null : from.strip();
        templatesDir = blankToNull(templatesDir);
        List<String> problems = problems(host, port, username, password, from, timeout, appName, Labels.FIELDS);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("SMTP configuration: " + String.join("; ", problems));
        }
    }

    /** A configuration with the built-in templates only. */
    public SmtpConfig(String host, int port, String username, String password, String from, boolean startTls,
                      Duration timeout, String appName) {
        this(host, port, username, password, from, startTls, timeout, appName, null);
    }

    /**
     * Reads the {@code BILLING_SMTP_*} variables and {@code BILLING_APP_NAME}. Blank values count as unset.
     * Without {@code BILLING_SMTP_HOST} mail is off ({@link Disabled}), unless another {@code BILLING_SMTP_*}
     * variable is set, which is reported as a problem (a misspelt host should not silently turn mail off).
     *
     * @return {@link Enabled}, {@link Disabled}, or {@link Invalid} listing every problem, each starting with the
     *         variable's name; values are never repeated in problems
     */
    public static Loaded fromEnvironment(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        String host = value(env, ENV_HOST);
        if (host == null) {
            List<String> stray = new ArrayList<>();
            for (String name : SMTP_VARIABLES) {
                if (value(env, name) != null) {
                    stray.add(name + ": set, but " + ENV_HOST + " is not (set " + ENV_HOST
                            + " to send mail, or remove it)");
                }
            }
            return stray.isEmpty() ? new Disabled() : new Invalid(stray);
        }
        List<String> problems = new ArrayList<>();
        int port = integer(env, ENV_PORT, DEFAULT_PORT, problems);
        long timeoutMs = integer(env, ENV_TIMEOUT_MS, (int) DEFAULT_TIMEOUT.toMillis(), problems);
        boolean startTls = bool(env, ENV_STARTTLS, true, problems);
        String username = value(env, ENV_USERNAME);
        String password = value(env, ENV_PASSWORD);
        String from = value(env, ENV_FROM);
        String appName = value(env, ENV_APP_NAME);
        appName = appName == null ? DEFAULT_APP_NAME : appName;
        String templatesDir = value(env, ENV_TEMPLATES_DIR);
        if (templatesDir != null) {
            problems.addAll(NoticeTemplateOverrides.load(java.nio.file.Path.of(templatesDir)).problems());
        }
        // An unparsable number was reported and replaced by its (valid) default, so it is not reported twice.
        problems.addAll(problems(host, port, username, password, from, Duration.ofMillis(timeoutMs), appName,
                Labels.ENVIRONMENT));
        if (!problems.isEmpty()) {
            return new Invalid(problems);
        }
        return new Enabled(new SmtpConfig(host, port, username, password, from, startTls,
                Duration.ofMillis(timeoutMs), appName, templatesDir));
    }

    /** Whether to log in ({@code username} and {@code password} set). */
    public boolean authenticates() {
        return username != null;
    }

    /** The From address as parsed (validated by the constructor). */
    InternetAddress fromAddress() {
        try {
            return new InternetAddress(from, true);
        } catch (AddressException e) {
            throw new IllegalStateException("validated on construction", e);
        }
    }

    @Override
    public String toString() {
        return "SmtpConfig[host=" + host + ", port=" + port + ", username=" + (username == null ? "(none)" : username)
                + ", password=" + (password == null ? "(none)" : "****") + ", from=" + from + ", startTls=" + startTls
                + ", timeout=" + timeout.toMillis() + "ms, appName=" + appName
                + (templatesDir == null ? "" : ", templatesDir=" + templatesDir) + "]";
    }

    /** What {@link #fromEnvironment(Map)} found: mail on, mail off, or a list of problems. */
    public sealed interface Loaded permits Enabled, Disabled, Invalid {
        /** The configuration when mail is on and valid. */
        Optional<SmtpConfig> config();

        /** Every problem found, each starting with the variable's name; empty unless {@link Invalid}. */
        List<String> problems();

        /**
         * The configuration, or empty when mail is off.
         *
         * @throws IllegalArgumentException listing every problem, when invalid
         */
        default Optional<SmtpConfig> orThrow() {
            if (!problems().isEmpty()) {
                throw new IllegalArgumentException("SMTP configuration (" + problems().size()
                        + (problems().size() == 1 ? " problem" : " problems") + "): " + String.join("; ", problems()));
            }
            return config();
        }
    }

    /** {@code BILLING_SMTP_HOST} is set and every variable is valid. */
    public record Enabled(SmtpConfig smtp) implements Loaded {
        public Enabled {
            Objects.requireNonNull(smtp, "smtp");
        }

        @Override
        public Optional<SmtpConfig> config() {
            return Optional.of(smtp);
        }

        @Override
        public List<String> problems() {
            return List.of();
        }
    }

    /** No {@code BILLING_SMTP_*} variable is set: notices are not mailed (keep the default notifier). */
    public record Disabled() implements Loaded {
        @Override
        public Optional<SmtpConfig> config() {
            return Optional.empty();
        }

        @Override
        public List<String> problems() {
            return List.of();
        }
    }

    /** At least one problem; {@link #problems()} lists them all. */
    public record Invalid(List<String> problems) implements Loaded {
        public Invalid {
            problems = List.copyOf(problems);
            if (problems.isEmpty()) {
                throw new IllegalArgumentException("an invalid configuration has at least one problem");
            }
        }

        @Override
        public Optional<SmtpConfig> config() {
            return Optional.empty();
        }
    }

    private enum Labels {
        FIELDS("host", "port", "username", "password", "from", "timeout", "appName"),
        ENVIRONMENT(ENV_HOST, ENV_PORT, ENV_USERNAME, ENV_PASSWORD, ENV_FROM, ENV_TIMEOUT_MS, ENV_APP_NAME);

        final String host;
        final String port;
        final String username;
        final String password;
        final String from;
        final String timeout;
        final String appName;

        Labels(String host, String port, String username, String password, String from, String timeout,
               String appName) {
            this.host = host;
            this.port = port;
            this.username = username;
            this.password = password;
            this.from = from;
            this.timeout = timeout;
            this.appName = appName;
        }
    }

    private static List<String> problems(String host, int port, String username, String password, String from,
                                         Duration timeout, String appName, Labels l) {
        List<String> problems = new ArrayList<>();
        if (host == null || host.isEmpty()) {
            problems.add(l.host + " is required: the SMTP server's host name");
        } else if (host.contains("://") || host.contains("/")) {
            problems.add(l.host + ": a host name only, not a URL");
        } else if (host.chars().filter(c -> c == ':').count() == 1) {
            problems.add(l.host + ": a host name only; put the port in " + l.port);
        } else if (host.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            problems.add(l.host + ": must not contain whitespace");
        }
        if (port < 1 || port > 65535) {
            problems.add(l.port + ": must be a whole number from 1 to 65535");
        } else if (port == 465) {
            problems.add(l.port + ": 465 (implicit TLS) is not supported; use the submission port 587 with STARTTLS");
        }
        if (username != null && password == null) {
            problems.add(l.password + " is required when " + l.username + " is set");
        }
        if (password != null && username == null) {
            problems.add(l.username + " is required when " + l.password + " is set");
        }
        if (from == null || from.isEmpty()) {
            problems.add(l.from + " is required: the sender, e.g. Billing <billing@example.com>");
        } else {
            try {
                InternetAddress address = new InternetAddress(from, true);
                String bare = address.getAddress();
                int at = bare == null ? -1 : bare.lastIndexOf('@');
                if (at <= 0 || at == bare.length() - 1) {
                    problems.add(l.from + ": must be an address with a domain, e.g. billing@example.com");
                }
            } catch (AddressException e) {
                problems.add(l.from + ": not an email address (" + e.getMessage() + ")");
            }
        }
        if (timeout == null || timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
            problems.add(l.timeout + ": must be from " + MIN_TIMEOUT.toMillis() + " to " + MAX_TIMEOUT.toMillis()
                    + " (milliseconds)");
        }
        if (appName.isEmpty()) {
            problems.add(l.appName + ": must not be blank");
        } else if (appName.length() > MAX_APP_NAME_CHARS) {
            problems.add(l.appName + ": at most " + MAX_APP_NAME_CHARS + " characters");
        } else if (appName.chars().anyMatch(Character::isISOControl)) {
            problems.add(l.appName + ": must not contain control characters");
        }
        return problems;
    }

    private static String value(Map<String, String> env, String name) {
        return blankToNull(env.get(name));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static int integer(Map<String, String> env, String name, int fallback, List<String> problems) {
        String value = value(env, name);
        if (value == null) {
            return fallback;
        }
        if (!value.matches("[0-9]{1,9}")) {
            problems.add(name + (name.equals(ENV_TIMEOUT_MS) ? ": must be a whole number of milliseconds"
                    : ": must be a whole number from 1 to 65535"));
            return fallback;
        }
        return Integer.parseInt(value);
    }

    private static boolean bool(Map<String, String> env, String name, boolean fallback, List<String> problems) {
        String value = value(env, name);
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
