package dev.billing.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 032 on an inbox written before it: a detached payment method's events, stored as about the payment method, become
 * about the customer it had (so the account's export and erasure find them), and one whose account was erased since
 * is redacted as that erasure would have; running the script again changes nothing.
 */
class SupabaseDetachedSubjectsIT {
    private static SupabaseProject project;

    @BeforeAll
    static void start() {
        project = SupabaseProject.start("sb_detached");
    }

    @AfterAll
    static void stop() {
        project.close();
    }

    @Test
    void storedDetachedPaymentMethodsBecomeAboutTheCustomerTheyHad() {
        Sql.execute(
                project.database(),
                "INSERT INTO public.stripe_customer_mapping (clerk_user_id, stripe_customer_id) VALUES "
                        + "('user_ada', 'cus_a'), ('erased_0123456789abcdef', 'cus_gone')");
        store("evt_detached", "pm_1", "cus_a");
        store("evt_erased", "pm_2", "cus_gone");

        for (int run = 0; run < 2; run++) {
            Sql.execute(project.database(), script());

            assertThat(value("subject_id", "evt_detached")).isEqualTo("cus_a");
            assertThat(value("payload::text", "evt_erased"))
                    .isEqualTo("{\"id\": \"evt_erased\", \"type\": \"payment_method.detached\", "
                            + "\"billing_redacted\": true}");
            assertThat(value("subject_id", "evt_erased")).isNull();
            assertThat(value("object_id", "evt_erased")).isEqualTo("pm_2");
        }
        assertThat(project.stores().inbox().about(Set.of("cus_a"), 10))
                .singleElement()
                .satisfies(entry -> assertThat(entry.eventId()).isEqualTo("evt_detached"));
    }

    /** An entry as 018's rules stored it: about the payment method, its customer only in the previous attributes. */
    private static void store(String id, String paymentMethod, String previousCustomer) {
        String payload = "{\"id\":\"" + id + "\",\"type\":\"payment_method.detached\",\"created\":1795100001,"
                + "\"data\":{\"object\":{\"id\":\"" + paymentMethod + "\",\"object\":\"payment_method\","
                + "\"billing_details\":{\"email\":\"ada@example.com\",\"name\":\"Ada Lovelace\"},\"customer\":null},"
                + "\"previous_attributes\":{\"customer\":\"" + previousCustomer + "\"}}}";
        Sql.execute(
                project.database(),
                "INSERT INTO public.stripe_webhook_events (stripe_event_id, event_type, payload, object_id, subject_id,"
                        + " status, received_at, event_created) VALUES ('" + id + "', 'payment_method.detached', '"
                        + payload + "'::jsonb, '" + paymentMethod + "', '" + paymentMethod
                        + "', 'processed', now(), now())");
    }

    private static String value(String column, String eventId) {
        return Sql.value(
                project.database(),
                "SELECT " + column + " FROM public.stripe_webhook_events WHERE stripe_event_id = '" + eventId + "'");
    }

    private static String script() {
        return SupabaseSql.scripts().stream()
                .filter(s -> s.name().startsWith("032_"))
                .findFirst()
                .orElseThrow()
                .sql();
    }
}
