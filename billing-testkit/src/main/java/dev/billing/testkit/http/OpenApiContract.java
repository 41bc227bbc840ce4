package dev.billing.testkit.http;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A server's OpenAPI document as a contract every exchange must keep, checked by Atlassian's
 * swagger-request-validator. {@link Http} fetches the document of the server it calls once ({@code GET
 * /openapi.json}) and checks each of its exchanges against it, so an integration test fails on any answer the
 * document does not describe: a field of the wrong type, a null where none may be, a status not listed.
 *
 * <p>What is checked: every answer to a documented operation (its status must be listed, its body must match that
 * status's schema), and the request too when it succeeded (a refused request may be wrong on purpose). Answers to
 * paths and methods the document does not list are not checked: they are no route of the API (a 404 or 405, the
 * admin dashboard's pages, a host application's own routes beside billing's), and the route table that serves the
 * routes is the one the document is made from. Nor are {@code HEAD} and {@code OPTIONS} (CORS preflight).
 *
 * <p>Usage: {@code List<String> problems = OpenApiContract.of(documentJson).violations(exchange);}
 */
public final class OpenApiContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> UNDOCUMENTED =
            Set.of("validation.request.path.missing", "validation.request.operation.notAllowed");

    /** Parsed once per document text: the servers of a test run serve a few documents, each many times. */
    private static final Map<String, OpenApiContract> PARSED = new ConcurrentHashMap<>();

    private final OpenApiInteractionValidator validator;

    private OpenApiContract(OpenApiInteractionValidator validator) {
        this.validator = validator;
    }

    /** The contract of an OpenAPI document given as JSON text. */
    public static OpenApiContract of(String document) {
        return PARSED.computeIfAbsent(
                document,
                text -> new OpenApiContract(OpenApiInteractionValidator.createForInlineApiSpecification(text)
                        .withResolveRefs(true)
                        .build()));
    }

    /** Whether {@code body} (an answer to {@code GET /openapi.json}) is an OpenAPI document. */
    static boolean isDocument(int status, String body) {
        if (status != 200 || body == null) {
            return false;
        }
        try {
            JsonNode doc = JSON.readTree(body);
            return doc != null
                    && doc.path("openapi").isTextual()
                    && doc.path("paths").isObject();
        } catch (IOException e) {
            return false;
        }
    }

    /** One request and its answer, as the client saw them. */
    public record Exchange(
            String method,
            URI uri,
            HttpHeaders requestHeaders,
            String requestBody,
            int status,
            HttpHeaders responseHeaders,
            String responseBody) {}

    /** Every way the exchange breaks the document, as the validator words it; empty when it keeps it. */
    public List<String> violations(Exchange exchange) {
        String method = exchange.method().toUpperCase(Locale.ROOT);
        if (method.equals("HEAD") || method.equals("OPTIONS")) {
            return List.of();
        }
        if (exchange.responseHeaders().firstValue("Content-Encoding").isPresent()) {
            return List.of(); // a compressed body read as text: nothing to check it by
        }
        Request.Method m = Request.Method.valueOf(method);
        String path = exchange.uri().getRawPath();
        SimpleResponse.Builder response = SimpleResponse.Builder.status(exchange.status());
        exchange.responseHeaders().map().forEach((name, values) -> response.withHeader(name, values));
        if (exchange.responseBody() != null && !exchange.responseBody().isEmpty()) {
            response.withBody(exchange.responseBody());
        }
        ValidationReport answer = validator.validateResponse(path, m, response.build());
        boolean documented = answer.getMessages().stream().noneMatch(msg -> UNDOCUMENTED.contains(msg.getKey()));
        if (!documented) {
            return List.of();
        }
        boolean success = exchange.status() >= 200 && exchange.status() < 300;
        List<String> out = new ArrayList<>(messages("response", answer));
        if (success) {
            out.addAll(messages("request", validator.validateRequest(request(m, path, exchange))));
        }
        return out;
    }

    private static SimpleRequest request(Request.Method method, String path, Exchange exchange) {
        SimpleRequest.Builder request = new SimpleRequest.Builder(method, path);
        exchange.requestHeaders().map().forEach((name, values) -> request.withHeader(name, values));
        String query = exchange.uri().getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                request.withQueryParam(name, value);
            }
        }
        if (exchange.requestBody() != null && !exchange.requestBody().isEmpty()) {
            request.withBody(exchange.requestBody());
        }
        return request.build();
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    private static List<String> messages(String side, ValidationReport report) {
        List<String> out = new ArrayList<>();
        for (ValidationReport.Message message : report.getMessages()) {
            if (message.getLevel() == ValidationReport.Level.ERROR) {
                StringBuilder line = new StringBuilder(side + ": [" + message.getKey() + "] " + message.getMessage());
                for (String info : message.getAdditionalInfo()) {
                    line.append(" (").append(info).append(')');
                }
                out.add(line.toString());
            }
        }
        return out;
    }
}
