package dev.billing.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Postgres' CPU counts the ticks of backends that exited during a window (reaped by the postmaster). */
class CpuMeterTest {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime ...
    private static final String POSTMASTER = "100 (postgres) S 1 100 100 0 -1 4194560 500 9000 0 0 "
            + "30 20 700 300 20 0 1 0 1000 200000000 4000 18446744073709551615";
    private static final String BACKEND = "123 (postgres) S 100 100 100 0 -1 4194560 500 0 0 0 "
            + "40 10 0 0 20 0 1 0 1100 200000000 4000 18446744073709551615";

    @Test
    void thePostmasterCountsItsReapedChildren() {
        assertThat(CpuMeter.postgresTicks(100, POSTMASTER, 100)).isEqualTo(30 + 20 + 700 + 300);
        assertThat(CpuMeter.postgresTicks(123, BACKEND, 100)).isEqualTo(40 + 10);
    }

    @Test
    void otherProcessesAndOtherPostgresServersDoNotCount() {
        assertThat(CpuMeter.postgresTicks(123, BACKEND, 999)).isEqualTo(-1);
        assertThat(CpuMeter.postgresTicks(7, BACKEND.replace("123 (postgres)", "7 (java)"), -1))
                .isEqualTo(-1);
        assertThat(CpuMeter.postgresTicks(123, BACKEND, -1)).isEqualTo(50);
    }

    @Test
    void aCommandNameWithSpacesAndParenthesesIsRead() {
        String stat = POSTMASTER.replace("(postgres)", "(postgres: a (b) c)");
        assertThat(CpuMeter.postgresTicks(100, stat, 100)).isEqualTo(1050);
    }

    /** The kernel moves an exited child's ticks into its parent's cutime/cstime once reaped: real /proc, real child. */
    @Test
    @EnabledOnOs(OS.LINUX)
    void aReapedChildsTicksStayInTheParentsSum() throws Exception {
        Path self = Path.of("/proc/self/stat");
        long before = CpuMeter.ownAndReapedTicks(CpuMeter.fields(Files.readString(self)));
        long childrenBefore = reaped(Files.readString(self));
        Process busy = new ProcessBuilder("sh", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done").start();
        assertThat(busy.waitFor(60, TimeUnit.SECONDS)).isTrue();
        long childrenAfter = reaped(Files.readString(self));
        assertThat(childrenAfter - childrenBefore)
                .as("the child's ticks, reaped into ours")
                .isPositive();
        assertThat(CpuMeter.ownAndReapedTicks(CpuMeter.fields(Files.readString(self))) - before)
                .isGreaterThanOrEqualTo(childrenAfter - childrenBefore);
    }

    /** An external server's CPU is its own process's, read from /proc: a real child that burns half a second. */
    @Test
    @EnabledOnOs(OS.LINUX)
    void anExternalServersCpuIsItsProcesss() throws Exception {
        Process busy = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        try {
            CpuMeter.server(busy.pid());
            CpuMeter meter = new CpuMeter();
            CpuMeter.Mark start = meter.mark();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (CpuMeter.processTicks(busy.pid()) - start.serverTicks() < 50 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            CpuMeter.Sample sample = meter.since(start);
            double seconds = sample.window().toNanos() / 1e9;
            // 50 ticks are 0.5 s; cores x seconds comes back a rounding error below it (0.49999999999999994).
            assertThat(sample.serverCores() * seconds)
                    .as("the child's CPU seconds")
                    .isGreaterThanOrEqualTo(0.499);
            BenchReport.Cpu cpu = BenchReport.Cpu.of(sample, 0, 1_000);
            assertThat(cpu.serverMicrosPerRequest())
                    .as("its CPU per request, not this JVM's")
                    .isCloseTo(sample.serverCores() * seconds * 1e6 / 1_000, org.assertj.core.data.Offset.offset(1.0));
        } finally {
            busy.destroyForcibly().waitFor();
            CpuMeter.server(CpuMeter.IN_THIS_JVM);
        }
    }

    @Test
    void aServerWhoseProcessIsUnknownHasNoCpuFigure() {
        try {
            CpuMeter.server(CpuMeter.UNKNOWN);
            CpuMeter meter = new CpuMeter();
            CpuMeter.Sample sample = meter.since(meter.mark());
            assertThat(sample.serverCores()).isEqualTo(-1);
            assertThat(BenchReport.Cpu.of(
                                    new CpuMeter.Sample(java.time.Duration.ofSeconds(1), 1.5, -1, 0.5, 2, 2), 0, 100)
                            .serverMicrosPerRequest())
                    .as("never this JVM's CPU in its place")
                    .isEqualTo(-1);
        } finally {
            CpuMeter.server(CpuMeter.IN_THIS_JVM);
        }
    }

    /** cutime + cstime (fields 16 and 17). */
    private static long reaped(String stat) {
        String[] f = CpuMeter.fields(stat);
        return Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }
}
