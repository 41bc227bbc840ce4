package dev.billing.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How an ingest run's CPU per event is judged: the server's and Postgres' together, against 150 µs (issue 51). */
class CpuTargetTest {
    @Test
    void theServerAndPostgresAreJudgedTogether() {
        // Each under 150, as issue 23 judged them, and twice the target together.
        BenchReport.Target target = Bench.cpuTarget(run(97, 104));
        assertThat(target.met()).isFalse();
        assertThat(target.measured()).isEqualTo("97 + 104 = 201 µs");
        assertThat(target.target()).isEqualTo("<= 150 µs");
        assertThat(target.name())
                .isEqualTo("ingest unique, refetch off, 16 connections: CPU per event, server + Postgres");
    }

    @Test
    void aRunAtOrUnderTheTargetMeetsIt() {
        assertThat(Bench.cpuTarget(run(72, 78)).met()).isTrue();
        assertThat(Bench.cpuTarget(run(72, 78)).measured()).isEqualTo("72 + 78 = 150 µs");
        assertThat(Bench.cpuTarget(run(72, 79)).met()).isFalse();
    }

    private static BenchReport.IngestRun run(double server, double postgres) {
        return new BenchReport.IngestRun(
                "unique",
                false,
                16,
                10_000,
                10_000,
                0,
                0,
                9_000,
                8_500,
                1.2,
                0.6,
                List.of(),
                new BenchReport.Latency(1, 2, 3, 4, 5, 1.5),
                0,
                Map.of(200, 10_000L),
                new BenchReport.Cpu(0.8, 0.1, 0.7, 0.05, 1.6, 2, server, postgres),
                40,
                0.2,
                List.of(),
                Map.of());
    }
}
