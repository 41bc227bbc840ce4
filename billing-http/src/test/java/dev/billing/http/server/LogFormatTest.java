package dev.billing.http.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

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
            context.getLogger("dev.billing.http.access").atInfo().addKeyValue("status", 201)
                    .addKeyValue("route", "/usage").log("POST /usage 201 3.1ms");
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
    void textFormatIsOneReadableLine() throws Exception {
        String out = logWith("TEXT");
        assertThat(out.strip().split("\n")).hasSize(1);
        assertThat(out).contains("req_test_1").contains("POST /usage 201 3.1ms").doesNotContain("{");
    }
}
