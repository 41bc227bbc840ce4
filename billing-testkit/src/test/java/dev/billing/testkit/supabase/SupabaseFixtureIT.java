package dev.billing.testkit.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.testkit.postgres.PostgresFixture;
import dev.billing.testkit.postgres.TestDatabase;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real PostgREST 12.0.2 on a real Postgres, spoken to over HTTP through the Supabase-like gateway. */
class SupabaseFixtureIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static TestDatabase db;
    private static SupabaseFixture supabase;

    @BeforeAll
    static void start() {
        long t0 = System.nanoTime();
        db = PostgresFixture.shared().newDatabase("supabase");
        long dbReady = System.nanoTime();
        supabase = SupabaseFixture.builder(db)
                .schemaResource("/supabase/schema.sql")
                .start();
        System.out.printf(
                "Fresh database in %d ms, Supabase fixture (roles, schema, PostgREST ready) in %d ms%n",
                (dbReady - t0) / 1_000_000, (System.nanoTime() - dbReady) / 1_000_000);
    }

    @AfterAll
    static void stop() {
        if (supabase != null) {
            supabase.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void exposesSupabaseStyleSettings() {
        assertThat(supabase.url()).startsWith("http://127.0.0.1:");
        assertThat(supabase.restUrl()).isEqualTo(supabase.url() + "/rest/v1");
        assertThat(supabase.jwtSecret()).hasSizeGreaterThanOrEqualTo(32);
        JsonNode service = claims(supabase.serviceRoleKey());
        assertThat(service.get("role").asText()).isEqualTo("service_role");
        assertThat(service.get("iss").asText()).isEqualTo("supabase");
        assertThat(service.get("exp").asLong()).isGreaterThan(service.get("iat").asLong());
        assertThat(claims(supabase.anonKey()).get("role").asText()).isEqualTo("anon");
        assertThat(HmacJwt.hasValidSignature(supabase.serviceRoleKey(), supabase.jwtSecret()))
                .isTrue();
        assertThat(supabase.logFile()).exists();
    }

    @Test
    void insertReturnsTheRepresentation() throws Exception {
        HttpResponse<String> r =
                send(service("POST", "/customers", "{\"email\":\"insert@example.com\",\"plan\":\"pro\"}")
                        .header("Prefer", "return=representation"));

        assertThat(r.statusCode()).isEqualTo(201);
        JsonNode row = json(r).get(0);
        assertThat(row.get("id").asLong()).isPositive();
        assertThat(row.get("email").asText()).isEqualTo("insert@example.com");
        assertThat(row.get("status").asText()).isEqualTo("active");
    }

    @Test
    void upsertOnConflictMergesDuplicates() throws Exception {
        send(service("POST", "/customers", "{\"email\":\"upsert@example.com\",\"plan\":\"free\"}"));

        HttpResponse<String> r = send(
                service("POST", "/customers?on_conflict=email", "{\"email\":\"upsert@example.com\",\"plan\":\"team\"}")
                        .header("Prefer", "resolution=merge-duplicates,return=representation"));

        // PostgREST 12 answers 200 (not 201) when the upsert only updated existing rows.
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r)).hasSize(1);
        assertThat(json(r).get(0).get("plan").asText()).isEqualTo("team");
        JsonNode all = json(send(service("GET", "/customers?email=eq.upsert@example.com", null)));
        assertThat(all).hasSize(1);
        assertThat(all.get(0).get("plan").asText()).isEqualTo("team");
    }

    @Test
    void filteredSelectReturnsOnlyMatchingRowsAndColumns() throws Exception {
        send(
                service(
                        "POST",
                        "/customers",
                        "[{\"email\":\"f1@filter.test\",\"status\":\"active\"},"
                                + "{\"email\":\"f2@filter.test\",\"status\":\"canceled\"},{\"email\":\"f3@filter.test\",\"status\":\"active\"}]"));

        HttpResponse<String> r = send(service(
                "GET",
                "/customers?select=email,status&email=like.*%40filter.test&status=eq.active&order=email.asc",
                null));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).toString())
                .isEqualTo(
                        "[{\"email\":\"f1@filter.test\",\"status\":\"active\"},{\"email\":\"f3@filter.test\",\"status\":\"active\"}]");
    }

    @Test
    void exactCountComesBackInContentRange() throws Exception {
        send(service(
                "POST",
                "/customers",
                IntStream.range(0, 5)
                        .mapToObj(i -> "{\"email\":\"c" + i + "@count.test\",\"plan\":\"counted\"}")
                        .collect(Collectors.joining(",", "[", "]"))));

        HttpResponse<String> page = send(service("GET", "/customers?plan=eq.counted&order=email", null)
                .header("Prefer", "count=exact")
                .header("Range-Unit", "items")
                .header("Range", "0-1"));
        HttpResponse<String> head =
                send(service("HEAD", "/customers?plan=eq.counted", null).header("Prefer", "count=exact"));

        assertThat(page.statusCode()).isEqualTo(206);
        assertThat(page.headers().firstValue("Content-Range")).contains("0-1/5");
        assertThat(json(page)).hasSize(2);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("Content-Range")).contains("0-4/5");
    }

    @Test
    void conditionalPatchUpdatesNothingWhenTheFilterDoesNotMatch() throws Exception {
        long id = json(send(service("POST", "/customers", "{\"email\":\"patch@example.com\"}")
                        .header("Prefer", "return=representation")))
                .get(0)
                .get("id")
                .asLong();

        HttpResponse<String> stale = send(
                service("PATCH", "/customers?id=eq." + id + "&version=eq.7", "{\"status\":\"canceled\",\"version\":8}")
                        .header("Prefer", "return=representation,count=exact"));
        HttpResponse<String> current = send(
                service("PATCH", "/customers?id=eq." + id + "&version=eq.1", "{\"status\":\"canceled\",\"version\":2}")
                        .header("Prefer", "return=representation"));
        HttpResponse<String> minimal =
                send(service("PATCH", "/customers?id=eq." + id + "&version=eq.1", "{\"status\":\"active\"}")
                        .header("Prefer", "count=exact"));

        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(json(stale)).isEmpty();
        assertThat(stale.headers().firstValue("Content-Range")).contains("*/0");
        assertThat(json(current)).hasSize(1);
        assertThat(json(current).get(0).get("version").asInt()).isEqualTo(2);
        assertThat(minimal.statusCode()).isEqualTo(204);
        assertThat(minimal.headers().firstValue("Content-Range")).contains("*/0");
    }

    @Test
    void deleteReturnsTheDeletedRows() throws Exception {
        send(service("POST", "/customers", "{\"email\":\"delete@example.com\"}"));

        HttpResponse<String> r = send(service("DELETE", "/customers?email=eq.delete@example.com", null)
                .header("Prefer", "return=representation"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r)).hasSize(1);
        assertThat(json(send(service("GET", "/customers?email=eq.delete@example.com", null))))
                .isEmpty();
    }

    @Test
    void rpcCallsASqlFunction() throws Exception {
        HttpResponse<String> first =
                send(service("POST", "/rpc/increment_counter", "{\"p_name\":\"invoices\",\"p_by\":2}"));
        HttpResponse<String> second =
                send(service("POST", "/rpc/increment_counter", "{\"p_name\":\"invoices\",\"p_by\":3}"));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("2");
        assertThat(second.body()).isEqualTo("5");
    }

    @Test
    void uniqueViolationIsPostgrestErrorJsonWith409() throws Exception {
        send(service("POST", "/customers", "{\"email\":\"dup@example.com\"}"));

        HttpResponse<String> r = send(service("POST", "/customers", "{\"email\":\"dup@example.com\"}"));

        assertThat(r.statusCode()).isEqualTo(409);
        JsonNode error = json(r);
        assertThat(error.get("code").asText()).isEqualTo("23505");
        assertThat(error.get("message").asText()).contains("customers_email_key");
        assertThat(error.get("details").asText()).contains("dup@example.com");
        assertThat(error.has("hint")).isTrue();
    }

    @Test
    void missingOrUnknownApiKeyIsRejectedByTheGateway() throws Exception {
        HttpResponse<String> missing = send(HttpRequest.newBuilder(URI.create(supabase.restUrl() + "/customers")));
        HttpResponse<String> unknown = send(HttpRequest.newBuilder(URI.create(supabase.restUrl() + "/customers"))
                .header("apikey", supabase.jwt(Map.of("role", "service_role"))));
        HttpResponse<String> outside = send(HttpRequest.newBuilder(URI.create(supabase.url() + "/customers"))
                .header("apikey", supabase.serviceRoleKey()));

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(json(missing).get("message").asText()).isEqualTo("No API key found in request");
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(json(unknown).get("message").asText()).isEqualTo("Invalid API key");
        assertThat(outside.statusCode()).isEqualTo(404);
    }

    @Test
    void anonCannotReadATableOnlyServiceRoleIsGranted() throws Exception {
        HttpResponse<String> asAnon = send(anon("GET", "/secrets"));
        HttpResponse<String> asService = send(service("GET", "/secrets", null));

        assertThat(asAnon.statusCode()).isEqualTo(401);
        assertThat(json(asAnon).get("code").asText()).isEqualTo("42501");
        assertThat(json(asAnon).get("message").asText()).contains("permission denied for table secrets");
        assertThat(asService.statusCode()).isEqualTo(200);
        assertThat(json(asService).get(0).get("value").asText()).isEqualTo("webhook signing secret");
    }

    @Test
    void rowLevelSecurityHidesRowsFromAnonButNotFromServiceRole() throws Exception {
        String alice = supabase.jwt(Map.of(
                "role",
                "authenticated",
                "sub",
                "11111111-1111-1111-1111-111111111111",
                "exp",
                Instant.now().plusSeconds(600).getEpochSecond()));

        HttpResponse<String> asAnon = send(anon("GET", "/notes"));
        HttpResponse<String> asAlice = send(anon("GET", "/notes").header("Authorization", "Bearer " + alice));
        HttpResponse<String> asService = send(service("GET", "/notes?order=id", null));

        assertThat(asAnon.statusCode()).isEqualTo(200);
        assertThat(json(asAnon)).isEmpty();
        assertThat(json(asAlice)).hasSize(1);
        assertThat(json(asAlice).get(0).get("body").asText()).isEqualTo("alice's note");
        assertThat(json(asService)).hasSize(2);
    }

    @Test
    void databaseRolesAreReal() throws Exception {
        try (var c = db.dataSource().getConnection();
                var s = c.createStatement();
                var rs = s.executeQuery(
                        "SELECT rolname, rolcanlogin, rolinherit, rolbypassrls FROM pg_roles "
                                + "WHERE rolname IN ('anon','authenticated','service_role','authenticator') ORDER BY rolname")) {
            StringBuilder roles = new StringBuilder();
            while (rs.next()) {
                roles.append(rs.getString(1))
                        .append(':')
                        .append(rs.getBoolean(2))
                        .append(',')
                        .append(rs.getBoolean(3))
                        .append(',')
                        .append(rs.getBoolean(4))
                        .append(' ');
            }
            assertThat(roles.toString().trim())
                    .isEqualTo(
                            "anon:false,false,false authenticated:false,false,false authenticator:true,false,false service_role:false,false,true");
        }
    }

    @Test
    void tablesCreatedAfterStartAreServedAfterReloadSchema() throws Exception {
        supabase.executeSql("CREATE TABLE late_table (id int PRIMARY KEY); INSERT INTO late_table VALUES (1)");

        supabase.reloadSchema();

        HttpResponse<String> r = send(service("GET", "/late_table", null));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r)).hasSize(1);
    }

    @Test
    void largeChunkedInsertAndSupabaseMaxRows() throws Exception {
        String rows =
                IntStream.range(0, 1500).mapToObj(i -> "{\"id\":" + i + "}").collect(Collectors.joining(",", "[", "]"));
        byte[] body = rows.getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> insert = send(service("POST", "/events", null)
                .method("POST", HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .header("Prefer", "count=exact"));
        HttpResponse<String> all = send(service("GET", "/events", null));

        assertThat(insert.statusCode()).as(insert.body()).isEqualTo(201);
        assertThat(insert.headers().firstValue("Content-Range")).contains("*/1500");
        assertThat(json(all)).hasSize(1000);
    }

    @Test
    void stoppedPostgrestMakesTheApiUnreachableUntilRestarted() throws Exception {
        supabase.stopPostgrest();
        try {
            assertThat(supabase.isPostgrestRunning()).isFalse();
            assertThat(send(service("GET", "/customers", null)).statusCode()).isEqualTo(502);
        } finally {
            supabase.startPostgrest();
        }
        assertThat(send(service("GET", "/customers?limit=1", null)).statusCode())
                .isEqualTo(200);
    }

    private static HttpRequest.Builder service(String method, String path, String jsonBody) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(supabase.restUrl() + path))
                .header("apikey", supabase.serviceRoleKey())
                .header("Authorization", "Bearer " + supabase.serviceRoleKey());
        if (jsonBody != null) {
            b.header("Content-Type", "application/json");
        }
        return b.method(
                method,
                jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
    }

    private static HttpRequest.Builder anon(String method, String path) {
        return HttpRequest.newBuilder(URI.create(supabase.restUrl() + path))
                .header("apikey", supabase.anonKey())
                .method(method, HttpRequest.BodyPublishers.noBody());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    private static JsonNode claims(String jwt) {
        try {
            return JSON.readTree(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
