package dev.billing.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Finds the process of an external server on this machine: the one holding the socket that listens on the server
 * URL's port, from {@code /proc/net/tcp}, {@code /proc/net/tcp6} and each process's open files (Linux, and a process
 * this user may inspect). Its CPU is then the server's; without it the bench cannot tell the server's CPU at all.
 */
final class ServerProcess {
    private static final String LISTEN = "0A";

    private ServerProcess() {}

    /** The process listening on {@code server}'s port, when its host is this machine and the process can be found. */
    static OptionalLong of(URI server) {
        if (!onThisMachine(server.getHost())) {
            return OptionalLong.empty();
        }
        int port = server.getPort() > 0 ? server.getPort() : 80;
        return listeningOn(port);
    }

    /** The process holding a socket that listens on {@code port} (any address), if {@code /proc} shows one. */
    static OptionalLong listeningOn(int port) {
        Set<Long> inodes = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    long inode = listeningInode(line, port);
                    if (inode > 0) {
                        inodes.add(inode);
                    }
                }
            } catch (IOException | RuntimeException unreadable) {
                // no such table (IPv6 off, or not Linux)
            }
        }
        return inodes.isEmpty() ? OptionalLong.empty() : holderOf(inodes);
    }

    /**
     * The socket inode of one {@code /proc/net/tcp} row when it listens on {@code port}, else -1. A row reads
     * {@code sl local_address rem_address st ... uid timeout inode ...}, the addresses as hex {@code ADDR:PORT}.
     */
    static long listeningInode(String line, int port) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 10 || !f[0].endsWith(":")) {
            return -1; // the header
        }
        String local = f[1];
        String portHex = local.substring(local.lastIndexOf(':') + 1);
        if (!f[3].equals(LISTEN) || Integer.parseInt(portHex, 16) != port) {
            return -1;
        }
        return Long.parseLong(f[9]);
    }

    private static OptionalLong holderOf(Set<Long> inodes) {
        Set<String> targets = new HashSet<>();
        inodes.forEach(inode -> targets.add("socket:[" + inode + "]"));
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(
                Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path process : processes) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
                    for (Path fd : fds) {
                        if (targets.contains(Files.readSymbolicLink(fd).toString())) {
                            return OptionalLong.of(
                                    Long.parseLong(process.getFileName().toString()));
                        }
                    }
                } catch (IOException | RuntimeException goneOrHidden) {
                    // exited meanwhile, or another user's
                }
            }
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    private static boolean onThisMachine(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost")) {
            return true;
        }
        try {
            InetAddress address = InetAddress.getByName(h);
            return address.isLoopbackAddress()
                    || address.isAnyLocalAddress()
                    || java.net.NetworkInterface.getByInetAddress(address) != null;
        } catch (UnknownHostException | java.net.SocketException e) {
            return false;
        }
    }
}
