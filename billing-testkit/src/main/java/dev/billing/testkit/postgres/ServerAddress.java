package dev.billing.testkit.postgres;

import dev.billing.embeddedpostgres.EmbeddedPostgresServer;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Where a Postgres database lives and how to log in: host, port, database, credentials and extra JDBC
 * options (such as {@code sslmode}). Parses and renders both the {@code jdbc:postgresql://} and the
 * {@code postgres://user:pass@host:port/db} forms.
 */
record ServerAddress(
        String host, int port, String database, String user, String password, Map<String, String> options) {

    ServerAddress {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        password = password == null ? "" : password;
        options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /**
     * Parses {@code jdbc:postgresql://host[:port]/db?user=..&password=..&k=v} or
     * {@code postgres[ql]://[user[:password]@]host[:port]/db[?k=v]}. The user defaults to {@code postgres},
     * the port to 5432, the database to {@code postgres}.
     */
    static ServerAddress parse(String url) {
        Objects.requireNonNull(url, "url");
        String trimmed = url.trim();
        String rest;
        boolean jdbc;
        if (trimmed.startsWith("jdbc:postgresql://")) {
            rest = trimmed.substring("jdbc:".length());
            jdbc = true;
        } else if (trimmed.startsWith("postgres://") || trimmed.startsWith("postgresql://")) {
            rest = trimmed;
            jdbc = false;
        } else {
            throw new IllegalArgumentException(
                    "Not a Postgres URL (expected jdbc:postgresql://... or postgres://...): " + redact(trimmed));
        }
        URI uri;
        try {
            uri = URI.create(rest);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Malformed Postgres URL: " + redact(trimmed), e);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("Postgres URL has no host: " + redact(trimmed));
        }
        Map<String, String> query = parseQuery(uri.getRawQuery());
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !jdbc) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        if (query.containsKey("user")) {
            user = query.remove("user");
        }
        if (query.containsKey("password")) {
            password = query.remove("password");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String database = path.startsWith("/") ? decode(path.substring(1)) : decode(path);
        return new ServerAddress(
                uri.getHost(),
                uri.getPort() < 0 ? 5432 : uri.getPort(),
                database.isEmpty() ? "postgres" : database,
                user == null || user.isEmpty() ? "postgres" : user,
                password,
                query);
    }

    /** The admin address of an embedded server (its superuser, local logins trusted). */
    static ServerAddress of(EmbeddedPostgresServer server, String database) {
        return new ServerAddress(server.host(), server.port(), database, server.user(), server.password(), Map.of());
    }

    ServerAddress withDatabase(String name) {
        return new ServerAddress(host, port, name, user, password, options);
    }

    /** {@code jdbc:postgresql://host:port/db} plus the extra options; credentials are NOT in the URL. */
    String jdbcUrl() {
        String base = "jdbc:postgresql://" + hostForUrl() + ":" + port + "/" + encode(database);
        if (options.isEmpty()) {
            return base;
        }
        return base + "?"
                + options.entrySet().stream()
                        .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                        .collect(Collectors.joining("&"));
    }

    /** {@code postgres://user:pass@host:port/db}, plus {@code sslmode} when one was given. */
    String postgresUrl() {
        String base = "postgres://" + encode(user) + ":" + encode(password) + "@" + hostForUrl() + ":" + port + "/"
                + encode(database);
        String sslmode = options.get("sslmode");
        return sslmode == null ? base : base + "?sslmode=" + encode(sslmode);
    }

    PGSimpleDataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {host});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName(database);
        ds.setUser(user);
        ds.setPassword(password);
        options.forEach((k, v) -> {
            try {
                ds.setProperty(k, v);
            } catch (java.sql.SQLException e) {
                throw new IllegalArgumentException("Unknown JDBC option " + k + "=" + v, e);
            }
        });
        return ds;
    }

    /** For logs: the URL without the password. */
    String describe() {
        return "postgres://" + user + "@" + hostForUrl() + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return describe();
    }

    private String hostForUrl() {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> result = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return result;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            result.put(key, value);
        }
        return result;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String redact(String url) {
        return url.replaceAll("(://[^:/@]*:)[^@]*@", "$1***@").replaceAll("(?i)(password=)[^&]*", "$1***");
    }
}
