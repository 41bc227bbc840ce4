package dev.billing.smtp;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How {@link SmtpNotifier} reaches the mail server. Validated on construction ({@link IllegalArgumentException}
 * listing every problem, each naming its field); {@link #toString()} never shows the password.
 *
 * <p>A value the host builds in code; reading it from environment variables or properties is the host's job (the
 * standalone server reads {@code BILLING_SMTP_*}); this adapter never reads the environment. A host that wants every
 * problem listed with the rest of its configuration, under its own names for the settings, asks the builder for
 * {@link Builder#problems(SettingNames)} before it builds.
 *
 * <p>Usage, in a composition root:
 * <pre>{@code
 * SmtpConfig.Builder smtp = SmtpConfig.builder().host("smtp.example.com").from("Billing <billing@example.com>")
 *         .username("apikey").password(password);
 * Notifier notifier = SmtpNotifier.create(smtp.build()); // or smtp.problems(names) first, to report them together
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
public record SmtpConfig(
        String host,
        int port,
        String username,
        String password,
        String from,
        boolean startTls,
        Duration timeout,
        String appName,
        String templatesDir) {

    public static final int DEFAULT_PORT = 587;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(5_000);
    public static final String DEFAULT_APP_NAME = "billing";
    public static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(15);
    static final int MAX_APP_NAME_CHARS = 60;

    public SmtpConfig {
        username = blankToNull(username);
        password = blankToNull(password);
        appName = orDefaultName(appName);
        host = stripped(host);
        from = stripped(from);
        templatesDir = blankToNull(templatesDir);
        List<String> problems = problems(host, port, username, password, from, timeout, appName, SettingNames.FIELDS);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("SMTP configuration: " + String.join("; ", problems));
        }
    }

    /** A configuration with the built-in templates only. */
    public SmtpConfig(
            String host,
            int port,
            String username,
            String password,
            String from,
            boolean startTls,
            Duration timeout,
            String appName) {
        this(host, port, username, password, from, startTls, timeout, appName, null);
    }

    /** A builder with every default: port 587, STARTTLS, 5 s, "billing", the built-in templates. */
    public static Builder builder() {
        return new Builder();
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

    /**
     * What a host calls each setting, so that {@link Builder#problems(SettingNames)} names them as the host's
     * operators know them (the server: {@code BILLING_SMTP_HOST}, ...). {@link #FIELDS} names the record's fields,
     * as the constructor's messages do.
     */
    public record SettingNames(
            String host,
            String port,
            String username,
            String password,
            String from,
            String timeout,
            String appName,
            String templatesDir) {
        /** The record's own field names. */
        public static final SettingNames FIELDS =
                new SettingNames("host", "port", "username", "password", "from", "timeout", "appName", "templatesDir");

        public SettingNames {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(port, "port");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(appName, "appName");
            Objects.requireNonNull(templatesDir, "templatesDir");
        }
    }

    /** Builds an {@link SmtpConfig}; every setting but the host and the sender has a default. */
    public static final class Builder {
        private String host;
        private int port = DEFAULT_PORT;
        private String username;
        private String password;
        private String from;
        private boolean startTls = true;
        private Duration timeout = DEFAULT_TIMEOUT;
        private String appName = DEFAULT_APP_NAME;
        private String templatesDir;

        private Builder() {}

        public Builder host(String value) {
            this.host = value;
            return this;
        }

        public Builder port(int value) {
            this.port = value;
            return this;
        }

        public Builder username(String value) {
            this.username = value;
            return this;
        }

        public Builder password(String value) {
            this.password = value;
            return this;
        }

        public Builder from(String value) {
            this.from = value;
            return this;
        }

        public Builder startTls(boolean value) {
            this.startTls = value;
            return this;
        }

        public Builder timeout(Duration value) {
            this.timeout = value;
            return this;
        }

        public Builder appName(String value) {
            this.appName = value;
            return this;
        }

        public Builder templatesDir(String value) {
            this.templatesDir = value;
            return this;
        }

        /**
         * Every problem of these settings, each starting with the setting's name as {@code names} gives it and
         * never repeating the password: what the templates directory holds ({@link SmtpNotifier#create} would
         * refuse it; its files are read now), then what {@link #build()} would refuse. Empty when both would
         * succeed.
         */
        public List<String> problems(SettingNames names) {
            Objects.requireNonNull(names, "names");
            List<String> problems = new ArrayList<>();
            String dir = blankToNull(templatesDir);
            if (dir != null) {
                problems.addAll(NoticeTemplateOverrides.load(Path.of(dir), names.templatesDir())
                        .problems());
            }
            problems.addAll(SmtpConfig.problems(
                    stripped(host),
                    port,
                    blankToNull(username),
                    blankToNull(password),
                    stripped(from),
                    timeout,
                    orDefaultName(appName),
                    names));
            return problems;
        }

        /** @throws IllegalArgumentException listing every problem, each naming its field */
        public SmtpConfig build() {
            return new SmtpConfig(host, port, username, password, from, startTls, timeout, appName, templatesDir);
        }
    }

    private static List<String> problems(
            String host,
            int port,
            String username,
            String password,
            String from,
            Duration timeout,
            String appName,
            SettingNames names) {
        List<String> problems = new ArrayList<>();
        if (host == null || host.isEmpty()) {
            problems.add(names.host() + " is required: the SMTP server's host name");
        } else if (host.contains("://") || host.contains("/")) {
            problems.add(names.host() + ": a host name only, not a URL");
        } else if (host.chars().filter(c -> c == ':').count() == 1) {
            problems.add(names.host() + ": a host name only; put the port in " + names.port());
        } else if (host.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            problems.add(names.host() + ": must not contain whitespace");
        }
        if (port < 1 || port > 65535) {
            problems.add(names.port() + ": must be a whole number from 1 to 65535");
        } else if (port == 465) {
            problems.add(names.port() + ": 465 (implicit TLS) is not supported; use the submission port 587 with "
                    + "STARTTLS");
        }
        if (username != null && password == null) {
            problems.add(names.password() + " is required when " + names.username() + " is set");
        }
        if (password != null && username == null) {
            problems.add(names.username() + " is required when " + names.password() + " is set");
        }
        if (from == null || from.isEmpty()) {
            problems.add(names.from() + " is required: the sender, e.g. Billing <billing@example.com>");
        } else {
            try {
                InternetAddress address = new InternetAddress(from, true);
                String bare = address.getAddress();
                int at = bare == null ? -1 : bare.lastIndexOf('@');
                if (at <= 0 || at == bare.length() - 1) {
                    problems.add(names.from() + ": must be an address with a domain, e.g. billing@example.com");
                }
            } catch (AddressException e) {
                problems.add(names.from() + ": not an email address (" + e.getMessage() + ")");
            }
        }
        if (timeout == null || timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
            problems.add(names.timeout() + ": must be from " + MIN_TIMEOUT.toMillis() + " to " + MAX_TIMEOUT.toMillis()
                    + " (milliseconds)");
        }
        if (appName.isEmpty()) {
            problems.add(names.appName() + ": must not be blank");
        } else if (appName.length() > MAX_APP_NAME_CHARS) {
            problems.add(names.appName() + ": at most " + MAX_APP_NAME_CHARS + " characters");
        } else if (appName.chars().anyMatch(Character::isISOControl)) {
            problems.add(names.appName() + ": must not contain control characters");
        }
        return problems;
    }

    private static String orDefaultName(String value) {
        return value == null ? DEFAULT_APP_NAME : value.strip();
    }

    private static String stripped(String value) {
        return value == null ? null : value.strip();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
