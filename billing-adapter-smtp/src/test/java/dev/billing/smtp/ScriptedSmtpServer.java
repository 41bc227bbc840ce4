package dev.billing.smtp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny SMTP server on loopback that does what GreenMail will not: never answer at all, answer {@code RCPT TO}
 * with a chosen reply, or answer every step slowly. It records every command it reads (the verb and arguments, never the message body).
 */
final class ScriptedSmtpServer implements AutoCloseable {
    private final ServerSocket server;
    private final String rcptReply;
    private final long replyDelayMs;
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger messages = new AtomicInteger();

    private ScriptedSmtpServer(String rcptReply, long replyDelayMs) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.rcptReply = rcptReply;
        this.replyDelayMs = replyDelayMs;
        Thread acceptor = new Thread(this::accept, "scripted-smtp-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Accepts connections and never sends a byte (not even the greeting). */
    static ScriptedSmtpServer silent() throws IOException {
        return new ScriptedSmtpServer(null, 0);
    }

    /** A well-behaved server except that every {@code RCPT TO} gets {@code reply}. */
    static ScriptedSmtpServer answeringRcptWith(String reply) throws IOException {
        return new ScriptedSmtpServer(reply, 0);
    }

    /** A well-behaved server that waits {@code delay} before every reply, the greeting included. */
    static ScriptedSmtpServer answeringEachStepAfter(java.time.Duration delay) throws IOException {
        return new ScriptedSmtpServer("250 2.1.5 OK", delay.toMillis());
    }

    int port() {
        return server.getLocalPort();
    }

    /** Every command read, in order, e.g. {@code EHLO acme.example}, {@code RCPT TO:<a@example.com>}, {@code DATA}. */
    List<String> commands() {
        return List.copyOf(commands);
    }

    int connections() {
        return connections.get();
    }

    /** Messages accepted after {@code DATA}. */
    int messages() {
        return messages.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket client : clients) {
            client.close();
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                clients.add(client);
                connections.incrementAndGet();
                Thread handler = new Thread(() -> serve(client), "scripted-smtp-client");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
            if (rcptReply == null) {
                while (in.read() != -1) {
                    // silent: read whatever comes, answer nothing
                }
                return;
            }
            OutputStream out = client.getOutputStream();
            reply(out, "220 scripted.test ESMTP");
            String line;
            while ((line = in.readLine()) != null) {
                commands.add(line);
                String verb = line.length() < 4
                        ? line.toUpperCase(Locale.ROOT)
                        : line.substring(0, 4).toUpperCase(Locale.ROOT);
                switch (verb) {
                    case "EHLO", "HELO" -> reply(out, "250 scripted.test");
                    case "MAIL" -> reply(out, "250 2.1.0 OK");
                    case "RCPT" -> reply(out, rcptReply);
                    case "RSET", "NOOP" -> reply(out, "250 2.0.0 OK");
                    case "DATA" -> {
                        reply(out, "354 End data with <CR><LF>.<CR><LF>");
                        String data;
                        while ((data = in.readLine()) != null && !data.equals(".")) {
                            // the body is not kept
                        }
                        messages.incrementAndGet();
                        reply(out, "250 2.0.0 queued");
                    }
                    case "QUIT" -> {
                        reply(out, "221 2.0.0 bye");
                        return;
                    }
                    default -> reply(out, "502 5.5.2 not implemented");
                }
            }
        } catch (IOException closed) {
            // the client went away or the server closed
        }
    }

    private void reply(OutputStream out, String line) throws IOException {
        if (replyDelayMs > 0) {
            try {
                Thread.sleep(replyDelayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
