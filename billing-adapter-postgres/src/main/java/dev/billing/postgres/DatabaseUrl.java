package dev.billing.postgres;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses the two spellings of a Postgres address into a JDBC URL without credentials, the credentials, and the
 * driver properties:
 * <ul>
 *   <li>libpq / Heroku / Supabase: {@code postgres://user:pass@host:port/db?sslmode=require} (or
 *       {@code postgresql://}); user and password percent-decoded; {@code user}/{@code password} may also come as
 *       query parameters;</li>
 *   <li>JDBC: {@code jdbc:postgresql://host:port/db?user=..&password=..&sslmode=..}.</li>
 * </ul>
 * Every other query parameter is carried over as a driver property (a few libpq names are translated to the
 * driver's). Error messages name the problem, never the password.
 */
final class DatabaseUrl {
    /** libpq parameter names the JDBC driver spells differently. */
    private static final Map<String, String> LIBPQ_TO_JDBC = Map.of(
            "application_name", "ApplicationName",
            "connect_timeout", "connectTimeout");

    private DatabaseUrl() {}

    /** What a URL says. {@code user}/{@code password} are null when the URL does not give them. */
    record Parsed(String jdbcUrl, String user, String password, Map<String, String> properties) {}

    static Parsed parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("The database URL is empty");
        }
        String trimmed = url.strip();
        String lower = trimmed.toLowerCase(Locale.ROOT);
        boolean jdbc;
        String rest;
        if (lower.startsWith("jdbc:postgresql://")) {
            jdbc = true;
            rest = trimmed.substring("jdbc:postgresql://".length());
        } else if (lower.startsWith("postgres://")) {
            jdbc = false;
            rest = trimmed.substring("postgres://".length());
        } else if (lower.startsWith("postgresql://")) {
            jdbc = false;
            rest = trimmed.substring("postgresql://".length());
        } else {
            throw new IllegalArgumentException("The database URL must start with postgres://, postgresql:// or "
                    + "jdbc:postgresql:// (for example postgres://user:password@host:5432/database)");
        }

        // user:password@ (the password may hold unencoded '@', '/', '?': the last '@' ends the user info)
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            String rawUser = colon >= 0 ? userInfo.substring(0, colon) : userInfo;
            user = rawUser.isEmpty() ? null : decode(rawUser, "user name");
            if (colon >= 0) {
                password = decode(userInfo.substring(colon + 1), "password");
            }
        }

        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        int slash = rest.indexOf('/');
        String hostList = slash >= 0 ? rest.substring(0, slash) : rest;
        String database = slash >= 0 ? decode(rest.substring(slash + 1), "database name") : "";
        if (database.isBlank()) {
            throw new IllegalArgumentException(
                    "The database URL names no database (expected .../<database> after " + "the host)");
        }
        if (database.contains("/")) {
            throw new IllegalArgumentException("The database URL's database name must not contain '/'");
        }
        List<String> hosts = hosts(hostList);

        Map<String, String> properties = new LinkedHashMap<>();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (jdbc) {
                    pair = pair.replace("+", "%20"); // the JDBC driver decodes query values like a form: '+' is a space
                }
                String key = decode(eq >= 0 ? pair.substring(0, eq) : pair, "query parameter name");
                boolean secret = key.toLowerCase(Locale.ROOT).contains("password");
                String value = eq >= 0
                        ? decode(pair.substring(eq + 1), secret ? "password parameter" : "query parameter " + key)
                        : "";
                if (key.isBlank()) {
                    throw new IllegalArgumentException("The database URL has a query parameter without a name");
                }
                if (key.equals("user")) {
                    user = value.isEmpty() ? user : value;
                } else if (key.equals("password")) {
                    password = value;
                } else {
                    properties.put(jdbc ? key : LIBPQ_TO_JDBC.getOrDefault(key, key), value);
                }
            }
        }
        String jdbcUrl = "jdbc:postgresql://" + String.join(",", hosts) + "/" + encodePath(database);
        return new Parsed(jdbcUrl, user, password, properties);
    }

    /** {@code host[:port]} entries, comma separated; IPv6 in brackets. Port defaults to 5432. */
    private static List<String> hosts(String hostList) {
        if (hostList.isBlank()) {
            throw new IllegalArgumentException("The database URL names no host (expected ...@host:port/database)");
        }
        List<String> hosts = new ArrayList<>();
        for (String spec : hostList.split(",")) {
            String host;
            String port;
            if (spec.startsWith("[")) {
                int close = spec.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("The database URL has an IPv6 host without a closing ']'");
                }
                host = spec.substring(0, close + 1);
                String after = spec.substring(close + 1);
                if (!after.isEmpty() && !after.startsWith(":")) {
                    throw new IllegalArgumentException("The database URL has a malformed host");
                }
                port = after.isEmpty() ? "" : after.substring(1);
            } else {
                int colon = spec.indexOf(':');
                host = colon >= 0 ? spec.substring(0, colon) : spec;
                port = colon >= 0 ? spec.substring(colon + 1) : "";
            }
            if (host.isBlank() || host.equals("[]")) {
                throw new IllegalArgumentException("The database URL names no host (expected ...@host:port/database)");
            }
            if (!host.startsWith("[") && !host.matches("[A-Za-z0-9._%-]+")) {
                throw new IllegalArgumentException("The database URL has a malformed host name");
            }
            if (port.isEmpty()) {
                port = "5432";
            } else if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                throw new IllegalArgumentException("The database URL has an invalid port (expected 1-65535)");
            }
            hosts.add(host + ":" + port);
        }
        return hosts;
    }

    /** Percent-decoding as libpq does it ('+' stays '+'). The message names {@code what}, never the value. */
    static String decode(String raw, String what) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()
                        || Character.digit(raw.charAt(i + 1), 16) < 0
                        || Character.digit(raw.charAt(i + 2), 16) < 0) {
                    throw new IllegalArgumentException("The database URL's " + what
                            + " has an invalid percent-encoding (expected %XX with two hex digits)");
                }
                bytes.write(Character.digit(raw.charAt(i + 1), 16) * 16 + Character.digit(raw.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < raw.length()) {
                    utf8 = raw.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.write(utf8, 0, utf8.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Percent-encodes what a JDBC URL path cannot carry literally. */
    private static String encodePath(String database) {
        StringBuilder out = new StringBuilder();
        for (byte b : database.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '_'
                    || c == '-'
                    || c == '.') {
                out.append((char) c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
