package dev.billing.postgres;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
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

    /**
     * Splits a caller's batch into rounds for multi-row statements (which may affect a row once, and decide conflicts
     * in their own order): the positions of {@code rows}, each round holding any key at most once and at most
     * {@code max} rows, and the rows sharing a key in their order across rounds.
     */
    static <T> List<List<Integer>> rounds(List<T> rows, Function<T, List<?>> keys, int max) {
        List<List<Integer>> rounds = new ArrayList<>();
        List<Integer> left = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            left.add(i);
        }
        while (!left.isEmpty()) {
            List<Integer> round = new ArrayList<>(Math.min(max, left.size()));
            Set<Object> taken = new HashSet<>();
            List<Integer> later = new ArrayList<>();
            for (int i : left) {
                List<?> mine = keys.apply(rows.get(i));
                if (round.size() < max && mine.stream().noneMatch(taken::contains)) {
                    round.add(i);
                } else {
                    later.add(i); // and the rows after it that share a key wait as well, keeping their order
                }
                taken.addAll(mine);
            }
            rounds.add(round);
            left = later;
        }
        return rounds;
    }

    /**
     * Writes a caller's batch in {@link #rounds}, one {@code writer} call (one statement, one commit) per round, and
     * returns the answers in the batch's order.
     */
    static <T, O> List<O> inRounds(
            List<T> rows, Function<T, List<?>> keys, int max, Function<List<T>, List<O>> writer) {
        List<O> answers = new ArrayList<>(Collections.nCopies(rows.size(), null));
        for (List<Integer> round : rounds(rows, keys, max)) {
            List<T> written = new ArrayList<>(round.size());
            round.forEach(i -> written.add(rows.get(i)));
            List<O> results = writer.apply(written);
            for (int k = 0; k < round.size(); k++) {
                answers.set(round.get(k), results.get(k));
            }
        }
        return Collections.unmodifiableList(answers);
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
