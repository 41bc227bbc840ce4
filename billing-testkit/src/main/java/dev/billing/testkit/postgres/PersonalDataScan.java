package dev.billing.testkit.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Finds every row of a schema that holds any of some needles (a user id, an email, a name, a customer id): the test
 * of "erased everywhere" and "exported completely" that does not depend on a list of tables someone kept up to date.
 * Every base table of the schema is read (found in {@code information_schema} and {@code pg_catalog}, never from a
 * fixed list), and in each every text, varchar, char, json, jsonb column and array of text, compared without regard
 * to case; a table is left out only when it is {@linkplain #exempting exempted} with a reason. It works on the
 * Postgres store's schema ({@code billing}) and on the Supabase store's ({@code public}, over JDBC to the database
 * under PostgREST: {@code SupabaseFixture.database().dataSource()}).
 *
 * <p>Usage:
 * <pre>{@code
 * PersonalDataScan scan = PersonalDataScan.of(db.dataSource(), "billing");
 * assertThat(scan.find("user_2abc", "ada@example.com")).isEmpty();
 * }</pre>
 *
 * <p>A test helper: it reads whole tables, so keep it to test databases.
 */
public final class PersonalDataScan {
    /**
     * Tables that never hold personal data by design, by name, with the reason. Flyway's history (the Postgres
     * store's migrations: names, checksums, who ran them) is the only one: it is about the schema, not about anyone.
     */
    public static final Map<String, String> NEVER_PERSONAL = Map.of(
            "billing_schema_history", "Flyway's history of the schema's own migrations: names, checksums, times");

    private static final String TEXT_COLUMNS = """
            SELECT c.table_name, c.column_name
              FROM information_schema.columns c
              JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
             WHERE c.table_schema = ? AND t.table_type = 'BASE TABLE'
               AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
                    OR (c.data_type = 'ARRAY' AND c.udt_name IN ('_text', '_varchar', '_bpchar', '_json', '_jsonb')))
             ORDER BY c.table_name, c.ordinal_position
            """;
    private static final String PRIMARY_KEY = """
            SELECT a.attname
              FROM pg_catalog.pg_index i
              JOIN pg_catalog.pg_class r ON r.oid = i.indrelid
              JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace
              JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum = ANY (i.indkey::int2[])
             WHERE n.nspname = ? AND r.relname = ? AND i.indisprimary
             ORDER BY array_position(i.indkey::int2[], a.attnum)
            """;

    private static final ObjectMapper DOCUMENTS = new ObjectMapper();

    private final DataSource dataSource;
    private final String schema;
    private final Map<String, String> exempt;

    private PersonalDataScan(DataSource dataSource, String schema, Map<String, String> exempt) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.exempt = Map.copyOf(exempt);
    }

    /** A scan of every table of {@code schema} but the {@link #NEVER_PERSONAL} ones. */
    public static PersonalDataScan of(DataSource dataSource, String schema) {
        Objects.requireNonNull(dataSource, "dataSource");
        if (schema == null || schema.isBlank()) {
            throw new IllegalArgumentException("a schema name is needed");
        }
        return new PersonalDataScan(dataSource, schema, NEVER_PERSONAL);
    }

    /**
     * The same scan without {@code table}, for a documented reason (what the exemption says shows in test reports):
     * e.g. a short-lived cache record left out of an export's completeness check.
     */
    public PersonalDataScan exempting(String table, String reason) {
        if (table == null || table.isBlank() || reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("an exemption names a table and says why");
        }
        Map<String, String> more = new TreeMap<>(exempt);
        more.put(table, reason);
        return new PersonalDataScan(dataSource, schema, more);
    }

    /** The tables left out, with the reason for each. */
    public Map<String, String> exemptions() {
        return exempt;
    }

    /** Every row of every table that holds any of {@code needles}; blank needles are ignored. */
    public List<Finding> find(String... needles) {
        return find(java.util.Arrays.asList(needles));
    }

    /**
     * Every (table, column, row) whose value contains one of {@code needles}, ignoring case, in table and column
     * order; one finding per needle found.
     */
    public List<Finding> find(Collection<String> needles) {
        List<String> wanted = needles.stream()
                .filter(n -> n != null && !n.isBlank())
                .map(n -> n.toLowerCase(Locale.ROOT))
                .distinct()
                .toList();
        if (wanted.isEmpty()) {
            return List.of();
        }
        try (Connection connection = dataSource.getConnection()) {
            List<Finding> found = new ArrayList<>();
            for (Map.Entry<String, List<String>> table : textColumns(connection).entrySet()) {
                if (!exempt.containsKey(table.getKey())) {
                    scan(connection, table.getKey(), table.getValue(), wanted, found);
                }
            }
            return found;
        } catch (SQLException e) {
            throw new IllegalStateException("scanning schema " + schema + " failed: " + e.getMessage(), e);
        }
    }

    private Map<String, List<String>> textColumns(Connection connection) throws SQLException {
        Map<String, List<String>> columns = new LinkedHashMap<>();
        try (PreparedStatement q = connection.prepareStatement(TEXT_COLUMNS)) {
            q.setString(1, schema);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    columns.computeIfAbsent(rs.getString(1), t -> new ArrayList<>())
                            .add(rs.getString(2));
                }
            }
        }
        return columns;
    }

    private List<String> primaryKey(Connection connection, String table) throws SQLException {
        List<String> key = new ArrayList<>();
        try (PreparedStatement q = connection.prepareStatement(PRIMARY_KEY)) {
            q.setString(1, schema);
            q.setString(2, table);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    key.add(rs.getString(1));
                }
            }
        }
        return key;
    }

    /** One query per table: the rows where any text column contains any needle, with their key. */
    private void scan(
            Connection connection, String table, List<String> columns, List<String> needles, List<Finding> found)
            throws SQLException {
        List<String> key = primaryKey(connection, table);
        StringBuilder sql = new StringBuilder("SELECT ");
        List<String> keyLabels = key.isEmpty() ? List.of("ctid") : key;
        for (String k : keyLabels) {
            sql.append(k.equals("ctid") ? "ctid::text" : quote(k)).append(", ");
        }
        for (int i = 0; i < columns.size(); i++) {
            sql.append("lower(")
                    .append(quote(columns.get(i)))
                    .append("::text)")
                    .append(i + 1 < columns.size() ? ", " : "");
        }
        sql.append(" FROM ")
                .append(quote(schema))
                .append('.')
                .append(quote(table))
                .append(" WHERE ");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "" : " OR ")
                    .append("lower(")
                    .append(quote(columns.get(i)))
                    .append("::text) LIKE ANY (?)");
        }
        try (PreparedStatement q = connection.prepareStatement(sql.toString())) {
            String[] patterns =
                    needles.stream().map(n -> "%" + escapeLike(n) + "%").toArray(String[]::new);
            for (int i = 0; i < columns.size(); i++) {
                q.setArray(i + 1, connection.createArrayOf("text", patterns));
            }
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Map<String, String> rowKey = new LinkedHashMap<>();
                    for (int k = 0; k < keyLabels.size(); k++) {
                        rowKey.put(keyLabels.get(k), keyValue(rs.getObject(k + 1)));
                    }
                    for (int c = 0; c < columns.size(); c++) {
                        String value = rs.getString(keyLabels.size() + c + 1);
                        for (String needle : needles) {
                            if (value != null && value.contains(needle)) {
                                found.add(new Finding(table, columns.get(c), rowKey, needle));
                            }
                        }
                    }
                }
            }
        }
    }

    /** A key value as an export writes it: a time as an ISO-8601 instant ({@code 2026-01-01T00:00:00Z}). */
    private static String keyValue(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant().toString();
        }
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant().toString();
        }
        return value.toString();
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static String escapeLike(String needle) {
        return needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /**
     * A value that holds a needle: the table, the column, the row's primary-key values by column (or its
     * {@code ctid} when the table has no primary key; times as ISO-8601 instants), and the needle (lower-cased).
     */
    public record Finding(String table, String column, Map<String, String> key, String needle) {
        public Finding {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(column, "column");
            key = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(key));
            Objects.requireNonNull(needle, "needle");
        }

        /**
         * Whether {@code document} (an export's JSON, say) shows this row: some object of it holds every value of the
         * row's key, each in a field named like its column ({@code idempotency_key} as {@code idempotencyKey}, one
         * name ending the other, or both ending in {@code id}: {@code event_id} as {@code id}, {@code org_id} as
         * {@code organizationId}), in that object or one that encloses it (the document's {@code userId} names the
         * owner of every row below it). A time key is compared as an ISO-8601 instant, as exports write times; a row
         * known only by its {@code ctid} is never shown.
         */
        public boolean representedIn(String document) {
            try {
                return shownIn(DOCUMENTS.readTree(document), List.of());
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("not a JSON document", e);
            }
        }

        private boolean shownIn(JsonNode node, List<JsonNode> enclosing) {
            if (node.isArray()) {
                for (JsonNode child : node) {
                    if (shownIn(child, enclosing)) {
                        return true;
                    }
                }
                return false;
            }
            if (!node.isObject()) {
                return false;
            }
            List<JsonNode> chain = new ArrayList<>(enclosing);
            chain.add(node);
            if (key.entrySet().stream()
                    .allMatch(k ->
                            k.getValue() != null && chain.stream().anyMatch(o -> holds(o, k.getKey(), k.getValue())))) {
                return true;
            }
            for (JsonNode child : node) {
                if (shownIn(child, chain)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean holds(JsonNode object, String column, String value) {
            String name = column.replace("_", "").toLowerCase(Locale.ROOT);
            for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                String f = field.getKey().replace("_", "").toLowerCase(Locale.ROOT);
                boolean named = f.equals(name)
                        || f.endsWith(name)
                        || name.endsWith(f)
                        || f.endsWith("id") && name.endsWith("id");
                if (named
                        && field.getValue().isValueNode()
                        && field.getValue().asText().equals(value)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return table + "." + column + " " + key + " holds \"" + needle + "\"";
        }
    }
}
