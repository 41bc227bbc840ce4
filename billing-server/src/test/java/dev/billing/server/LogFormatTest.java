package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** The shipped logback.xml: one JSON object per line with the request id and key-value pairs, or plain text. */
class LogFormatTest {

    static String logWith(String format) throws Exception {
        URL config = LogFormatTest.class.getResource(format.equals("JSON") ? "/logback.xml" : "/logback-text.xml");
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LoggerContext context = new LoggerContext();
        try {
            context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(config);
            context.getMDCAdapter().put("requestId", "req_test_1");
            context.getLogger("dev.billing.http.access")
                    .atInfo()
                    .addKeyValue("status", 201)
                    .addKeyValue("route", "/usage")
                    .log("POST /usage 201 3.1ms");
            context.getLogger("org.eclipse.jetty.server").info("noise that is filtered");
        } finally {
            context.stop();
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jsonLinesCarryTheRequestIdAndKeyValues() throws Exception {
        String out = logWith("JSON");
        String[] lines = out.strip().split("\n");
        assertThat(lines).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(lines[0]);
        assertThat(line.path("message").asText()).isEqualTo("POST /usage 201 3.1ms");
        assertThat(line.path("requestId").asText()).isEqualTo("req_test_1");
        assertThat(line.path("status").asInt()).isEqualTo(201);
        assertThat(line.path("route").asText()).isEqualTo("/usage");
        assertThat(line.path("level").asText()).isEqualTo("INFO");
        assertThat(line.has("@timestamp")).isTrue();
    }

    @Test
    void aLineReachesStdoutWithoutAStopAndAStopDrainsAllButNeverClosesStdout() throws Exception {
        PrintStream original = System.out;
        RecordingStream captured = new RecordingStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LoggerContext context = configured("/logback.xml");
        try {
            context.getLogger("dev.billing.http.access").info("first line");
            // Nothing stops or flushes here: the writer's end-of-batch flush must bring the line out of the buffer.
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!captured.text().contains("first line") && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(captured.text()).contains("first line");

            for (int i = 0; i < 5_000; i++) {
                context.getLogger("dev.billing.http.access").info("burst {}", i);
            }
            AsyncLogAppender async =
                    (AsyncLogAppender) context.getLogger("ROOT").getAppender("ASYNC");
            assertThat(async.awaitDrained(java.time.Duration.ofSeconds(10))).isTrue();
            assertThat(captured.text()
                            .lines()
                            .filter(l -> l.contains("\"burst "))
                            .count())
                    .isEqualTo(5_000);
            // Far fewer writes than lines: the lines of a batch leave in one write of the 64 KiB buffer.
            assertThat(captured.writes).isLessThan(5_000);

            context.getLogger("dev.billing.http.access").info("last line");
        } finally {
            context.stop();
            System.setOut(original);
        }
        assertThat(captured.text()).contains("last line");
        assertThat(captured.closed).as("stdout stays open after logging stops").isFalse();
    }

    @Test
    void theStdoutAppenderWritesOnlyWhenFlushedAndNeverClosesStdout() throws Exception {
        PrintStream original = System.out;
        RecordingStream captured = new RecordingStream();
        System.setOut(new PrintStream(captured, false, StandardCharsets.UTF_8));
        LoggerContext context = new LoggerContext();
        StdoutAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new StdoutAppender<>();
        try {
            context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
            ch.qos.logback.classic.encoder.PatternLayoutEncoder encoder =
                    new ch.qos.logback.classic.encoder.PatternLayoutEncoder();
            encoder.setContext(context);
            encoder.setPattern("%msg%n");
            encoder.start();
            appender.setContext(context);
            appender.setEncoder(encoder);
            appender.setImmediateFlush(false);
            appender.start();
            ch.qos.logback.classic.Logger logger = context.getLogger("test");
            logger.addAppender(appender);
            logger.info("one");
            logger.info("two");
            assertThat(captured.text()).isEmpty();
            appender.getOutputStream().flush();
            assertThat(captured.text()).isEqualTo("one\ntwo\n");
            assertThat(captured.writes).isEqualTo(1);
        } finally {
            appender.stop();
            System.setOut(original);
        }
        assertThat(captured.closed).isFalse();
    }

    private static LoggerContext configured(String resource) throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(LogFormatTest.class.getResource(resource));
        return context;
    }

    /** What reached "stdout", how many writes brought it, and whether anyone closed it. */
    private static final class RecordingStream extends java.io.OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        volatile int writes;
        volatile boolean closed;

        @Override
        public synchronized void write(int b) {
            writes++;
            bytes.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes++;
            bytes.write(b, off, len);
        }

        @Override
        public void close() {
            closed = true;
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void textFormatIsOneReadableLine() throws Exception {
        String out = logWith("TEXT");
        assertThat(out.strip().split("\n")).hasSize(1);
        assertThat(out).contains("req_test_1").contains("POST /usage 201 3.1ms").doesNotContain("{");
    }

    /**
     * The log writer looks for new lines on a timer, and every look is a wake-up: each shipped configuration must look
     * at most every 10 ms (at 1 ms the looks were most of an idle server's CPU) and never spin or yield first.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/logback.xml", "/logback-text.xml"})
    void theLogWriterLooksForLinesAtMostEveryTenMilliseconds(String config) throws Exception {
        Document xml;
        try (InputStream in = LogFormatTest.class.getResourceAsStream(config)) {
            xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
        NodeList strategies = xml.getElementsByTagName("waitStrategyType");
        assertThat(strategies.getLength()).as(config).isEqualTo(1);
        Matcher sleeping = Pattern.compile("sleeping\\{(\\d+),(\\d+)}")
                .matcher(strategies.item(0).getTextContent().strip());
        assertThat(sleeping.matches())
                .as(config + ": a sleeping{retries,nanos} strategy")
                .isTrue();
        assertThat(Long.parseLong(sleeping.group(1)))
                .as(config + ": spins before sleeping")
                .isZero();
        assertThat(Long.parseLong(sleeping.group(2)))
                .as(config + ": nanoseconds between looks")
                .isGreaterThanOrEqualTo(10_000_000L);
    }
}
