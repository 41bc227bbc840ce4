package dev.billing.http.server.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the CPU went during a measured window: this JVM (server, emulator and load generator together), every
 * {@code postgres} process on the machine, and the whole machine, from {@code /proc} (Linux; elsewhere only the
 * JVM's own figure is known). Figures are in cores: 1.0 = one core busy for the whole window.
 */
final class CpuMeter {
    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux
    /** The postmaster whose processes count as "postgres"; -1: every process named postgres. */
    private static volatile long postmaster = -1;
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    record Mark(long nanoTime, long processCpuNanos, long machineBusyTicks, long machineTotalTicks,
                long postgresTicks) {
    }

    /**
     * Average cores used over the window ({@code -1} when unknown): this JVM, this Postgres, the whole machine
     * (so {@code machine - jvm - postgres} is what other processes took).
     */
    record Sample(Duration window, double jvmCores, double postgresCores, double machineCores, int machineCpus) {
        static Sample unknown() {
            return new Sample(Duration.ZERO, -1, -1, -1, Runtime.getRuntime().availableProcessors());
        }
    }

    /** Counts only this postmaster and its children as Postgres (other Postgres servers on the machine are others). */
    static void postmaster(long pid) {
        postmaster = pid;
    }

    Mark mark() {
        long[] machine = machineTicks();
        return new Mark(System.nanoTime(), os.getProcessCpuTime(), machine[0], machine[1], postgresTicks());
    }

    Sample since(Mark start) {
        Mark end = mark();
        double seconds = (end.nanoTime() - start.nanoTime()) / 1e9;
        if (seconds <= 0) {
            return Sample.unknown();
        }
        double jvm = (end.processCpuNanos() - start.processCpuNanos()) / 1e9 / seconds;
        double pg = start.postgresTicks() < 0 || end.postgresTicks() < 0 ? -1
                : Math.max(0, end.postgresTicks() - start.postgresTicks()) / TICKS_PER_SECOND / seconds;
        double machine = -1;
        int cpus = Runtime.getRuntime().availableProcessors();
        long total = end.machineTotalTicks() - start.machineTotalTicks();
        if (start.machineTotalTicks() > 0 && total > 0) {
            machine = cpus * (double) (end.machineBusyTicks() - start.machineBusyTicks()) / total;
        }
        return new Sample(Duration.ofNanos(end.nanoTime() - start.nanoTime()), jvm, pg, machine, cpus);
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

    /** utime + stime of every process named postgres (backends exit and lose their ticks: an underestimate). */
    private static long postgresTicks() {
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc)) {
            return -1;
        }
        long ticks = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, p -> p.getFileName().toString()
                .chars().allMatch(Character::isDigit))) {
            for (Path dir : dirs) {
                try {
                    String stat = Files.readString(dir.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    if (open < 0 || close < 0 || !stat.substring(open + 1, close).startsWith("postgres")) {
                        continue;
                    }
                    String[] f = stat.substring(close + 2).split(" ");
                    long pid = Long.parseLong(dir.getFileName().toString());
                    long parent = Long.parseLong(f[1]);
                    long only = postmaster;
                    if (only > 0 && pid != only && parent != only) {
                        continue;
                    }
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
                } catch (IOException | RuntimeException vanished) {
                    // the process exited meanwhile
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return ticks;
    }
}
