package dev.billing.core.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.migration.MigrationPass.Resume;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a migration pass orders records and writes its position into the checkpoint. */
class MigrationPassTest {

    @Test
    void aPositionSurvivesTheCheckpointWhateverItsParts() {
        for (Resume resume : List.of(
                Resume.START,
                new Resume("WyJzdWJfMSJd", null, List.of("sub_1")),
                new Resume("a;b:c", "-;", List.of("", "x;y", "1:2;", "é ✓")),
                new Resume(null, "t", List.of()))) {
            assertThat(Resume.decode(resume.encode())).isEqualTo(resume);
        }
        assertThat(Resume.decode(null)).isEqualTo(Resume.START);
    }

    @Test
    void aPositionOfAnEarlierVersionOrAnythingElseIsNotOne() {
        assertThat(Resume.decode("WyJzdWJfMDk5OSJd"))
                .as("an earlier version's source cursor")
                .isNull();
        assertThat(Resume.decode("pass1;5:abc;-;-1;")).isNull();
        assertThat(Resume.decode("pass1;-;-;-1;extra")).isNull();
        assertThat(Resume.decode("pass1;-;-;2;1:a;")).isNull();
    }

    @Test
    void orderKeysCompareInCodePointOrderPartByPart() {
        assertThat(MigrationRecords.compare(List.of("user_1"), List.of("user_10")))
                .isNegative();
        assertThat(MigrationRecords.compare(List.of("org_1", "z"), List.of("org_10", "a")))
                .isNegative();
        assertThat(MigrationRecords.compare(List.of("Zed"), List.of("abe")))
                .as("upper case first, as COLLATE \"C\"")
                .isNegative();
        // U+FF5E sorts before U+1F600 by code point (and in UTF-8 bytes), after it in UTF-16 code units.
        assertThat(MigrationRecords.compare(List.of("\uFF5E"), List.of("\uD83D\uDE00")))
                .isNegative();
        assertThat(MigrationRecords.compare(List.of("a", "b"), List.of("a", "b")))
                .isZero();
    }

    @Test
    void numbersSortAsNumbersEitherWayRound() {
        List<Long> values = List.of(Long.MIN_VALUE, -5L, -1L, 0L, 1L, 9L, 10L, 1_795_255_200_123_456L, Long.MAX_VALUE);
        List<String> ascending = new ArrayList<>();
        List<String> descending = new ArrayList<>();
        for (long v : values) {
            ascending.add(MigrationRecords.ascending(v));
            descending.add(0, MigrationRecords.descending(v));
        }
        assertThat(ascending).isSorted();
        assertThat(descending).isSorted();
    }
}
