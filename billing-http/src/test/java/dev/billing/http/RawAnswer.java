package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** Reads one HTTP/1.1 answer off a raw socket, for tests that must control the connection themselves. */
final class RawAnswer {
    private RawAnswer() {}

    /** The status line and the headers of one answer; its body (Content-Length framed) is read and dropped. */
    static List<String> head(InputStream in) throws IOException {
        List<String> head = new ArrayList<>();
        long length = 0;
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            head.add(line);
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Long.parseLong(line.substring(15).strip());
            }
        }
        assertThat(head).as("an answer").isNotEmpty();
        assertThat(in.readNBytes((int) length)).hasSize((int) length);
        return head;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
