package dev.billing.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MultiRowSqlTest {

    private record Row(String user, String customer) {}

    @Test
    void roundsHoldAKeyOnceAndKeepTheOrderOfRowsSharingOne() {
        List<Row> rows = List.of(
                new Row("u1", "c1"),
                new Row("u2", "c2"),
                new Row("u1", "c3"),
                new Row("u3", "c2"),
                new Row("u4", "c4"),
                new Row("u1", "c5"));
        List<List<Integer>> rounds = MultiRowSql.rounds(rows, r -> List.of(r.user(), r.customer()), 10);
        // u1 (rows 0, 2, 5) and c2 (rows 1, 3) repeat: each later row waits for a later round, in order
        assertThat(rounds).containsExactly(List.of(0, 1, 4), List.of(2, 3), List.of(5));
    }

    @Test
    void aRoundHoldsAtMostTheMaximumAndARowWaitingForRoomHoldsBackItsKey() {
        List<Row> rows =
                List.of(new Row("a", "1"), new Row("b", "2"), new Row("c", "3"), new Row("c", "4"), new Row("d", "5"));
        List<List<Integer>> rounds = MultiRowSql.rounds(rows, r -> List.of(r.user()), 2);
        assertThat(rounds).containsExactly(List.of(0, 1), List.of(2, 4), List.of(3));
        assertThat(MultiRowSql.rounds(List.<Row>of(), r -> List.of(r.user()), 2))
                .isEmpty();
    }
}
