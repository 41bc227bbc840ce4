package dev.billing.testkit.contract;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.CustomerId;
import dev.billing.core.port.ProjectionChanges;
import dev.billing.core.port.ProjectionChanges.Change;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ProjectionChanges} guarantees: appended changes are read after the head in position order,
 * paged by a limit, with distinct growing positions also when appends race, and pruned by age. The record may be
 * shared: tests read only past the head they saw first, and look for their own customers.
 */
public abstract class ProjectionChangesContract {
    private ProjectionChanges changes;
    private long start;

    protected abstract ProjectionChanges changes();

    @BeforeEach
    void setUpChanges() {
        changes = changes();
        start = changes.head();
    }

    private static CustomerId customer() {
        return CustomerId.of(unique("cus_"));
    }

    @Test
    void appendedChangesAreReadAfterTheHeadInOrder() {
        CustomerId a = customer();
        CustomerId b = customer();
        CustomerId c = customer();

        changes.append("p1", List.of(a, b), T0);
        changes.append("p2", List.of(c), T0.plusSeconds(1));

        List<Change> read = changes.after(start, 10);
        assertThat(read).extracting(Change::customer).containsExactly(a, b, c);
        assertThat(read)
                .extracting(Change::position)
                .isSorted()
                .doesNotHaveDuplicates()
                .allSatisfy(p -> assertThat(p).isGreaterThan(start));
        assertThat(read).extracting(Change::at).containsExactly(T0, T0, T0.plusSeconds(1));
        assertThat(read).extracting(Change::origin).containsExactly("p1", "p1", "p2");
        assertThat(changes.head()).isEqualTo(read.get(2).position());
        assertThat(changes.after(read.get(2).position(), 10)).isEmpty();
    }

    @Test
    void aLimitPagesTheChanges() {
        List<CustomerId> five = IntStream.range(0, 5).mapToObj(i -> customer()).toList();
        changes.append("p1", five, T0);

        List<Change> first = changes.after(start, 2);
        List<Change> rest = changes.after(first.get(1).position(), 10);

        assertThat(first).extracting(Change::customer).containsExactlyElementsOf(five.subList(0, 2));
        assertThat(rest).extracting(Change::customer).containsExactlyElementsOf(five.subList(2, 5));
    }

    @Test
    void appendingNothingWritesNothing() {
        changes.append("p1", List.of(), T0);

        assertThat(changes.head()).isEqualTo(start);
    }

    @Test
    void racingAppendsGetDistinctPositions() {
        List<CustomerId> customers =
                IntStream.range(0, 8).mapToObj(i -> customer()).toList();

        Race.run(8, i -> {
            changes.append("p" + i, List.of(customers.get(i)), T0);
            return i;
        });

        List<Change> read = changes.after(start, 100);
        assertThat(read).extracting(Change::customer).containsExactlyInAnyOrderElementsOf(customers);
        assertThat(read).extracting(Change::position).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void pruneDeletesOnlyOlderChanges() {
        CustomerId old = customer();
        CustomerId recent = customer();
        changes.append("p1", List.of(old), T0.minus(Duration.ofDays(1)));
        changes.append("p1", List.of(recent), T0.plus(Duration.ofDays(10)));

        int deleted = changes.prune(T0);

        assertThat(deleted).isGreaterThanOrEqualTo(1);
        assertThat(changes.after(start, 100))
                .extracting(Change::customer)
                .contains(recent)
                .doesNotContain(old);
        assertThat(changes.prune(T0)).isZero();
    }
}
