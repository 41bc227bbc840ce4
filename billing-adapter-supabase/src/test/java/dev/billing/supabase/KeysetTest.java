package dev.billing.supabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.Page;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeysetTest {

    @Test
    void cursorsRoundTripAnyText() {
        String cursor = Keyset.encode("user_1", "a,b.c:(d) \"é\"", "2026-11-21T10:00:00Z");

        assertThat(cursor).matches("[A-Za-z0-9_-]+");
        assertThat(Keyset.decode(cursor, 3)).containsExactly("user_1", "a,b.c:(d) \"é\"", "2026-11-21T10:00:00Z");
    }

    @Test
    void aForeignCursorIsAnInvalidRequest() {
        assertThatThrownBy(() -> Keyset.decode("not a cursor", 1))
                .isInstanceOf(InvalidRequestException.class)
                .hasFieldOrPropertyWithValue("code", "invalid_cursor");
        assertThatThrownBy(() -> Keyset.decode(Keyset.encode("a", "b"), 1)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void aPageAsksForOneMoreAndCutsThere() {
        Page<String> more = Keyset.page(new ArrayList<>(List.of("a", "b", "c")), 2, Keyset::encode);
        Page<String> last = Keyset.page(List.of("a", "b"), 2, Keyset::encode);

        assertThat(more.items()).containsExactly("a", "b");
        assertThat(Keyset.decode(more.nextCursor(), 1)).containsExactly("b");
        assertThat(last.hasMore()).isFalse();
        assertThat(Keyset.pageSize(5_000)).isEqualTo(Keyset.MAX_PAGE);
        assertThatThrownBy(() -> Keyset.pageSize(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void collectAsksPageAfterPageUntilAShortOneOrMax() {
        List<Integer> table = java.util.stream.IntStream.range(0, 7).boxed().toList();
        List<String> asked = new ArrayList<>();
        java.util.function.BiFunction<Integer, Integer, List<Integer>> after = (last, limit) -> {
            asked.add(last + ":" + limit);
            int from = last == null ? 0 : last + 1;
            return table.subList(Math.min(from, table.size()), Math.min(from + limit, table.size()));
        };

        assertThat(Keyset.collect(Integer.MAX_VALUE, 3, after)).isEqualTo(table);
        assertThat(asked).containsExactly("null:3", "2:3", "5:3");
        asked.clear();
        assertThat(Keyset.collect(5, 3, after)).containsExactly(0, 1, 2, 3, 4);
        assertThat(asked).containsExactly("null:3", "2:2");
        asked.clear();
        assertThat(Keyset.collect(6, 3, after)).hasSize(6);
        assertThat(asked).as("a full last page at max asks no more").containsExactly("null:3", "2:3");
    }

    @Test
    void byteOrderIsCodePointOrderLikeCollateC() {
        List<String> values = new ArrayList<>(List.of("b", "B", "a_1", "a-1", "a1", "é", "\uFFFD", "\uD83D\uDE00"));
        values.sort(Keyset.BYTE_ORDER);

        assertThat(values).containsExactly("B", "a-1", "a1", "a_1", "b", "é", "\uFFFD", "\uD83D\uDE00");
    }
}
