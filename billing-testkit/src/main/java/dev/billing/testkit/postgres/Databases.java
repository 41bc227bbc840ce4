package dev.billing.testkit.postgres;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/** CREATE / DROP DATABASE through an administrative connection, with unique, valid names. */
final class Databases {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private Databases() {}

    /** Creates a database named {@code <prefix>_<unique suffix>} and returns its name. */
    static String create(ServerAddress admin, String prefix) {
        String name = uniqueName(prefix);
        try (Connection c = admin.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + quote(name));
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Could not CREATE DATABASE " + name + " on " + admin.describe() + " (the user needs CREATEDB): "
                            + e.getMessage(),
                    e);
        }
        return name;
    }

    static void drop(ServerAddress admin, String name) {
        try (Connection c = admin.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + quote(name) + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Could not DROP DATABASE " + name + " on " + admin.describe() + ": " + e.getMessage(), e);
        }
    }

    /** Lower-case letters, digits and underscores, starting with a letter, at most 63 bytes. */
    static String uniqueName(String prefix) {
        String clean = (prefix == null ? "" : prefix).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "_");
        clean = clean.replaceAll("^_+|_+$", "");
        if (clean.isEmpty() || !Character.isLetter(clean.charAt(0))) {
            clean = "db_" + clean;
        }
        if (clean.length() > 40) {
            clean = clean.substring(0, 40);
        }
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            suffix.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return clean + "_" + suffix + "_" + COUNTER.incrementAndGet();
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
