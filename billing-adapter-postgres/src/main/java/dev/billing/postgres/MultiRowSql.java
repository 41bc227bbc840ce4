package dev.billing.postgres;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A statement carrying one {@code VALUES} row per call of a group-committed batch ({@link Coalescer}):
 * {@code head + row, row, ... + tail}, built once per row count and then reused (the same text each time, so the
 * driver's per-connection statement cache prepares it on the server).
 */
final class MultiRowSql {
    private final String head;
    private final String row;
    private final String tail;
    private final String[] byRows;

    /** {@code head} and {@code tail} already have their schema substituted. */
    MultiRowSql(int maxRows, String head, String row, String tail) {
        this.head = head;
        this.row = row;
        this.tail = tail;
        this.byRows = new String[maxRows + 1];
    }

    /** The statement for {@code rows} rows (1 to the maximum). */
    String forRows(int rows) {
        String sql = byRows[rows]; // a race builds the same immutable string twice: harmless
        if (sql == null) {
            StringBuilder b = new StringBuilder(head);
            for (int r = 0; r < rows; r++) {
                b.append(r == 0 ? "" : ", ").append(row);
            }
            sql = b.append(tail).toString();
            byRows[rows] = sql;
        }
        return sql;
    }

    /** For each row in the callers' order, whether the statement returned its id. */
    static <T> List<Boolean> returned(List<T> rows, Function<T, String> id, Collection<String> returnedIds) {
        Set<String> returned = new HashSet<>(returnedIds);
        List<Boolean> answers = new ArrayList<>(rows.size());
        for (T row : rows) {
            answers.add(returned.contains(id.apply(row)));
        }
        return answers;
    }
}
