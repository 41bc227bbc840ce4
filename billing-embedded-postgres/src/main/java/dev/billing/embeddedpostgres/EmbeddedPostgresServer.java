package dev.billing.embeddedpostgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL 17 server run from the zonky embedded binaries (no installation, works as root through a
 * user namespace), with a data directory that survives restarts: stop it, start it again (same port, same
 * data), or start a new instance on the same directory in a later JVM. Used by the test fixtures and by the
 * server's local mode.
 *
 * <p>Usage: {@code try (var pg = EmbeddedPostgresServer.builder().dataDirectory(Path.of(".billing/pg")).port(54329).start())
 * { DataSource ds = pg.dataSource("postgres"); }}
 *
 * <p>Logins from localhost are trusted (user {@value #USER}, any password). A shutdown hook stops the server
 * when the JVM exits; a server left running by a JVM that was killed is stopped on the next start on the same
 * data directory.
 *
 * <p>What initdb and postgres print goes to {@link #logFile()}, beside the data directory, and a start that fails
 * says the last lines of it: postgres that cannot start (a port taken, too little shared memory, a full disk) is
 * otherwise only a wait that times out.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    /** The superuser created by initdb. */
    public static final String USER = "postgres";
    /** Ignored by the server (local logins are trusted) but handy for URLs that require one. */
    public static final String PASSWORD = "postgres";
    /** The host the server is reached on. */
    public static final String HOST = "localhost";

    private static final System.Logger LOG = System.getLogger(EmbeddedPostgresServer.class.getName());
    private static final String ZONKY_LOCK_FILE = "epg-lock";
    /** A log larger than this is started afresh rather than appended to, so restarts never grow it without end. */
    private static final long LOG_FILE_LIMIT = 10L * 1024 * 1024;
    /** How many of postgres' last lines a failed start quotes. */
    private static final int FAILURE_LINES = 20;

    private final Path dataDirectory;
    private final boolean deleteDataOnClose;
    private final Map<String, String> serverConfig;
    private final Duration startupTimeout;
    private int port;
    private EmbeddedPostgres postgres;
    private Thread shutdownHook;
    private boolean closed;

    private EmbeddedPostgresServer(Builder builder) {
        this.dataDirectory = builder.dataDirectory.toAbsolutePath().normalize();
        this.deleteDataOnClose = builder.deleteDataOnClose;
        this.serverConfig = new LinkedHashMap<>(builder.serverConfig);
        this.startupTimeout = builder.startupTimeout;
        this.port = builder.port;
    }

    /** A builder; without {@link Builder#dataDirectory(Path)} the server uses a temporary directory deleted on close. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the server (initdb first when the data directory holds no cluster yet). Does nothing when it is
     * already running. After {@link #stop()} it starts again on the same port and data.
     *
     * @return this server
     * @throws IllegalStateException when it cannot start, e.g. the data directory is used by another process
     */
    public synchronized EmbeddedPostgresServer start() {
        if (closed) {
            throw new IllegalStateException("Embedded Postgres on " + dataDirectory + " was closed");
        }
        if (postgres != null) {
            return this;
        }
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(dataDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the Postgres data directory " + dataDirectory, e);
        }
        ensureNotInUse();
        stopOrphanedPostmaster();
        if (port == 0) {
            port = FreePorts.belowEphemeralRange();
        }
        Path log = logFile();
        long logStart = prepareLog(log);
        try {
            EmbeddedPostgres.Builder zonky = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPort(port)
                    .setPGStartupWait(startupTimeout)
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()));
            serverConfig.forEach(zonky::setServerConfig);
            postgres = zonky.start();
        } catch (IOException | RuntimeException e) {
            String said = lastLines(log, logStart);
            if (deleteDataOnClose && shutdownHook == null) {
                // a temporary directory that never served: do not leave it behind (the message keeps the log's end)
                deleteRecursively(dataDirectory);
                deleteQuietly(log);
            }
            throw new IllegalStateException(
                    "Could not start embedded Postgres on port " + port + " with data in " + dataDirectory + ": "
                            + e.getMessage()
                            + (said.isEmpty() ? " (postgres printed nothing)" : "; postgres printed:\n" + said),
                    e);
        }
        if (shutdownHook == null) {
            shutdownHook = new Thread(this::closeQuietly, "billing-embedded-postgres-" + port + "-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        LOG.log(
                System.Logger.Level.INFO,
                "Embedded Postgres started on {0}:{1,number,#} in {2,number,#} ms (data: {3})",
                HOST,
                port,
                (System.nanoTime() - t0) / 1_000_000,
                dataDirectory);
        return this;
    }

    /** Stops the server (fast shutdown: open sessions are disconnected). The data directory is kept. */
    public synchronized void stop() {
        if (postgres == null) {
            return;
        }
        EmbeddedPostgres running = postgres;
        postgres = null;
        try {
            running.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not stop embedded Postgres on port " + port, e);
        }
        LOG.log(System.Logger.Level.INFO, "Embedded Postgres on port {0,number,#} stopped", port);
    }

    /** Whether the server was started and not stopped since. */
    public synchronized boolean isRunning() {
        return postgres != null;
    }

    /** The TCP port; fixed at the first start (a free one when the builder was given 0). */
    public synchronized int port() {
        if (port == 0) {
            throw new IllegalStateException("Not started yet: the port is chosen at the first start");
        }
        return port;
    }

    /**
     * Where initdb's and postgres' output goes: a file named after the data directory, beside it ({@code
     * .billing/pg.log} for {@code .billing/pg}), appended to by each start; deleted with a temporary data directory.
     */
    public Path logFile() {
        return dataDirectory.resolveSibling(dataDirectory.getFileName() + ".log");
    }

    /** {@value #HOST}. */
    public String host() {
        return HOST;
    }

    /** {@value #USER}. */
    public String user() {
        return USER;
    }

    /** {@value #PASSWORD} (ignored: local logins are trusted). */
    public String password() {
        return PASSWORD;
    }

    /** The absolute data directory. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** {@code jdbc:postgresql://localhost:<port>/<database>} (no credentials). */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port() + "/" + encode(database);
    }

    /** {@code postgres://postgres:postgres@localhost:<port>/<database>}. */
    public String postgresUrl(String database) {
        return "postgres://" + USER + ":" + PASSWORD + "@" + HOST + ":" + port() + "/" + encode(database);
    }

    /** A new plain data source for {@code database}, logged in as {@value #USER}. */
    public PGSimpleDataSource dataSource(String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {HOST});
        ds.setPortNumbers(new int[] {port()});
        ds.setDatabaseName(database);
        ds.setUser(USER);
        ds.setPassword(PASSWORD);
        return ds;
    }

    /** Creates {@code database} unless it exists; returns whether it was created. */
    public boolean createDatabaseIfMissing(String database) {
        Objects.requireNonNull(database, "database");
        try (Connection c = dataSource("postgres").getConnection();
                PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, database);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return false;
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
            }
            return true;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + database + ": " + e.getMessage(), e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Stops the server and, for a temporary data directory, deletes it. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            if (deleteDataOnClose) {
                deleteRecursively(dataDirectory);
                deleteQuietly(logFile());
            }
            if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting; the hook runs or ran anyway
                }
            }
        }
    }

    @Override
    public String toString() {
        return "EmbeddedPostgresServer[" + HOST + ":" + port + ", " + dataDirectory
                + (isRunning() ? ", running]" : ", stopped]");
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    () -> "Could not stop embedded Postgres on port " + port + " at JVM exit",
                    e);
        }
    }

    /** Where this start's lines begin in the log: its end, or 0 after emptying a log past {@link #LOG_FILE_LIMIT}. */
    private static long prepareLog(Path log) {
        try {
            long size = Files.isRegularFile(log) ? Files.size(log) : 0;
            if (size <= LOG_FILE_LIMIT) {
                return size;
            }
            Files.write(log, new byte[0]);
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare the Postgres log " + log, e);
        }
    }

    /** The last {@link #FAILURE_LINES} lines written to the log from {@code from} on, or "" when there are none. */
    static String lastLines(Path log, long from) {
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size <= from) {
                return "";
            }
            int length = (int) Math.min(size - from, 64 * 1024);
            ByteBuffer tail = ByteBuffer.allocate(length);
            while (tail.hasRemaining() && channel.read(tail, size - length + tail.position()) >= 0) {
                // read until the buffer is full: a positional read may return fewer bytes
            }
            List<String> lines = new String(tail.array(), 0, tail.position(), StandardCharsets.UTF_8)
                    .strip()
                    .lines()
                    .toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - FAILURE_LINES), lines.size()));
        } catch (IOException e) {
            return ""; // no log to quote: the failure's own message still stands
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "Could not delete " + file, e);
        }
    }

    /** Fails when another process (or another instance in this JVM) holds zonky's lock on the data directory. */
    private void ensureNotInUse() {
        Path lockFile = dataDirectory.resolve(ZONKY_LOCK_FILE);
        if (!Files.exists(lockFile)) {
            return; // never started here (and initdb wants an empty directory: do not create it)
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new IllegalStateException("The Postgres data directory " + dataDirectory
                        + " is in use by another process (it holds " + lockFile + ")");
            }
            lock.release();
        } catch (OverlappingFileLockException e) {
            throw new IllegalStateException(
                    "The Postgres data directory " + dataDirectory
                            + " is in use by another EmbeddedPostgresServer in this JVM",
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not check the lock on " + lockFile, e);
        }
    }

    /**
     * A postmaster whose JVM was killed keeps running and holds the data directory. Nobody holds the lock
     * any more (checked before), so ask it to shut down (SIGINT = fast shutdown), then kill it if it won't.
     */
    private void stopOrphanedPostmaster() {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        long pid;
        try {
            List<String> lines = Files.readAllLines(pidFile);
            pid = lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
        } catch (IOException | NumberFormatException e) {
            return; // unreadable: let postgres judge the stale file itself
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        if (process.isEmpty()) {
            return;
        }
        LOG.log(
                System.Logger.Level.WARNING,
                "Stopping a Postgres server (pid {0,number,#}) left running on {1} by a previous process",
                pid,
                dataDirectory);
        ProcessHandle orphan = process.get();
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(pid))
                    .inheritIO()
                    .start()
                    .waitFor();
            try {
                orphan.onExit().get(15, TimeUnit.SECONDS);
            } catch (TimeoutException slow) {
                orphan.destroyForcibly();
                orphan.onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "Could not stop the orphaned Postgres server (pid " + pid + ") on " + dataDirectory, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while stopping an orphaned Postgres server", e);
        }
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "Could not delete " + p, e);
                }
            });
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, () -> "Could not delete " + root, e);
        }
    }

    /** Configures an {@link EmbeddedPostgresServer}. */
    public static final class Builder {
        private Path dataDirectory;
        private boolean deleteDataOnClose;
        private int port;
        private final Map<String, String> serverConfig = new LinkedHashMap<>();
        private Duration startupTimeout = Duration.ofSeconds(60);

        private Builder() {}

        /** Persistent data directory (created, and initialised on first use). Kept on close. */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = Objects.requireNonNull(directory, "directory");
            this.deleteDataOnClose = false;
            return this;
        }

        /** TCP port; 0 (the default) picks a free one at the first start and keeps it for restarts. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** A {@code postgresql.conf} setting passed as {@code -c key=value}. */
        public Builder serverConfig(String key, String value) {
            serverConfig.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Trades durability for speed (fsync, full_page_writes off): right for tests, wrong for data you want
         * to keep after a crash.
         */
        public Builder nonDurable() {
            serverConfig.put("fsync", "off");
            serverConfig.put("full_page_writes", "off");
            serverConfig.put("synchronous_commit", "off");
            return this;
        }

        /** How long to wait for the server to accept connections (default 60 s). */
        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Builds and starts the server. */
        public EmbeddedPostgresServer start() {
            return build().start();
        }

        /** Builds the server without starting it. */
        public EmbeddedPostgresServer build() {
            if (dataDirectory == null) {
                try {
                    dataDirectory = Files.createTempDirectory("billing-pg-");
                } catch (IOException e) {
                    throw new UncheckedIOException("No temporary directory for Postgres data", e);
                }
                deleteDataOnClose = true;
            }
            return new EmbeddedPostgresServer(this);
        }
    }
}
