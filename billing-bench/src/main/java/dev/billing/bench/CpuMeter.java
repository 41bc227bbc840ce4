package dev.billing.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the CPU went during a measured window: this JVM (server and load generator together, or the generator
 * alone when the server is external), an external server's process when it is known, every {@code postgres}
 * process on the machine, and the whole machine, from {@code /proc} (Linux; elsewhere only the JVM's own figure is
 * known). Figures are in cores: 1.0 = one core busy for the whole window.
 */
final class CpuMeter {
    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux
    static final long IN_THIS_JVM = 0;
    static final long UNKNOWN = -1;
    /** The postmaster whose processes count as "postgres"; -1: every process named postgres. */
    private static volatile long postmaster = -1;
    /** Where the server runs: {@link #IN_THIS_JVM}, {@link #UNKNOWN} (external, not found), or its process id. */
    private static volatile long server = IN_THIS_JVM;

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    record Mark(
            long nanoTime,
            long processCpuNanos,
            long machineBusyTicks,
            long machineTotalTicks,
            long postgresTicks,
            long serverTicks) {}

    /**
     * Average cores used over the window ({@code -1} when unknown): this JVM, an external server's process ({@code
     * -1} also when the server runs in this JVM: see {@link #serverInThisJvm()}), this Postgres, the whole machine
     * (so {@code machine - jvm - server - postgres} is what other processes took).
     */
    record Sample(
            Duration window,
            double jvmCores,
            double serverCores,
            double postgresCores,
            double machineCores,
            int machineCpus) {
        static Sample unknown() {
            return new Sample(
                    Duration.ZERO, -1, -1, -1, -1, Runtime.getRuntime().availableProcessors());
        }
    }

    /** Counts only this postmaster and its children as Postgres (other Postgres servers on the machine are others). */
    static void postmaster(long pid) {
        postmaster = pid;
    }

    /** Counts process {@code pid} as the server: {@link #IN_THIS_JVM}, {@link #UNKNOWN}, or an external process. */
    static void server(long pid) {
        server = pid;
    }

    /** Whether the server runs in this JVM (its CPU is this JVM's less the load generator's). */
    static boolean serverInThisJvm() {
        return server == IN_THIS_JVM;
    }

    /** Whether the server's CPU can be told at all: in this JVM, or an external process that was found. */
    static boolean serverKnown() {
        return server != UNKNOWN;
    }

    Mark mark() {
        long[] machine = machineTicks();
        long pid = server;
        return new Mark(
                System.nanoTime(),
                os.getProcessCpuTime(),
                machine[0],
                machine[1],
                postgresTicks(),
                pid > 0 ? processTicks(pid) : -1);
    }

    Sample since(Mark start) {
        Mark end = mark();
        double seconds = (end.nanoTime() - start.nanoTime()) / 1e9;
        if (seconds <= 0) {
            return Sample.unknown();
        }
        double jvm = (end.processCpuNanos() - start.processCpuNanos()) / 1e9 / seconds;
        double pg = start.postgresTicks() < 0 || end.postgresTicks() < 0
                ? -1
                : Math.max(0, end.postgresTicks() - start.postgresTicks()) / TICKS_PER_SECOND / seconds;
        double serverCores = start.serverTicks() < 0 || end.serverTicks() < 0
                ? -1
                : Math.max(0, end.serverTicks() - start.serverTicks()) / TICKS_PER_SECOND / seconds;
        double machine = -1;
        int cpus = Runtime.getRuntime().availableProcessors();
        long total = end.machineTotalTicks() - start.machineTotalTicks();
        if (start.machineTotalTicks() > 0 && total > 0) {
            machine = cpus * (double) (end.machineBusyTicks() - start.machineBusyTicks()) / total;
        }
        return new Sample(Duration.ofNanos(end.nanoTime() - start.nanoTime()), jvm, serverCores, pg, machine, cpus);
    }

    /** utime + stime of one process and its reaped children, or -1 when it cannot be read (exited, hidden). */
    static long processTicks(long pid) {
        try {
            return ownAndReapedTicks(fields(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** busy and total ticks of all CPUs from the first line of /proc/stat. */
    private static long[] machineTicks() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = line.trim().split("\\s+");
            long total = 0;
            long idle = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                long v = Long.parseLong(f[i]);
                total += v;
                if (i == 4 || i == 5) { // idle, iowait
                    idle += v;
                }
            }
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }

    /**
     * CPU ticks of this Postgres: utime + stime of every live process named postgres, plus cutime + cstime, the ticks
     * of children that exited and were reaped (by the postmaster: every backend, autovacuum worker and parallel
     * worker is its child). Without the reaped ticks, a backend that exits during a window (a connection closed, an
     * autovacuum worker done) would take all its earlier ticks out of the sum.
     */
    private static long postgresTicks() {
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc)) {
            return -1;
        }
        long ticks = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(
                proc, p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path dir : dirs) {
                try {
                    long pid = Long.parseLong(dir.getFileName().toString());
                    long t = postgresTicks(pid, Files.readString(dir.resolve("stat")), postmaster);
                    if (t > 0) {
                        ticks += t;
                    }
                } catch (IOException | RuntimeException vanished) {
                    // the process exited meanwhile
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return ticks;
    }

    /**
     * One {@code /proc/<pid>/stat} line's share of Postgres' ticks: -1 when the process is not this Postgres's (not
     * named postgres, or neither the postmaster {@code only} nor its child when {@code only > 0}); else its own and
     * its reaped children's ticks.
     */
    static long postgresTicks(long pid, String stat, long only) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < 0 || !stat.substring(open + 1, close).startsWith("postgres")) {
            return -1;
        }
        String[] f = fields(stat);
        long parent = Long.parseLong(f[1]);
        if (only > 0 && pid != only && parent != only) {
            return -1;
        }
        return ownAndReapedTicks(f);
    }

    /**
     * A {@code /proc/<pid>/stat} line's fields from the state on (field 3 of proc(5) is index 0), read after the last
     * parenthesis since the command name may hold spaces and parentheses.
     */
    static String[] fields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** utime + stime + cutime + cstime (fields 14 to 17) of {@link #fields}. */
    static long ownAndReapedTicks(String[] f) {
        return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }
}
