package dev.billing.supabase;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.anEvent;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.core.model.OrgMember;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.usage.UsageIncrement;
import dev.billing.core.model.usage.UsagePeriod;
import dev.billing.core.model.usage.UsageResult;
import dev.billing.core.port.EventInbox;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the erasure functions (008) do beyond the contracts: the redacted payload is the port's as jsonb, any number
 * of object ids fit in one call, an account erased a second time (it came back after the first) merges into its
 * pseudonym's rows instead of failing on their keys, and every statement finds its rows in an index.
 */
class SupabaseErasureIT {
    private static final UsagePeriod PERIOD = new UsagePeriod(T0, T0.plusSeconds(3600));
    private static SupabaseProject project;

    @BeforeAll
    static void start() {
        project = SupabaseProject.start("sb_erasure");
    }

    @AfterAll
    static void stop() {
        project.close();
    }

    @Test
    void aRedactedPayloadIsThePortsAsJsonbAndThousandsOfIdsFitInOneCall() throws Exception {
        String customer = unique("cus_");
        StripeEvent event = anEvent()
                .forObject("customer", customer)
                .withPayload("{\"id\":\"x\",\"email\":\"ada@example.com\"}")
                .build();
        project.stores().inbox().record(event, T0);
        // A customer with thousands of invoices: far more ids than a URL could carry.
        Set<String> objects = IntStream.range(0, 3000)
                .mapToObj(i -> "in_" + i + "_" + customer)
                .collect(Collectors.toSet());
        objects.add(customer);

        assertThat(project.stores().inbox().redact(objects)).isEqualTo(1);

        String payload =
                project.stores().inbox().find(event.id()).orElseThrow().event().payload();
        JsonNode expected = PostgrestClient.JSON.readTree(EventInbox.redactedPayload(event.id(), event.type()));
        assertThat(PostgrestClient.JSON.readTree(payload)).isEqualTo(expected);
        assertThat(EventInbox.isRedacted(payload)).isTrue();
        assertThat(project.stores().inbox().redact(Set.of())).isZero();
    }

    @Test
    void aSecondErasureAddsTheUsersCountsToThePseudonymsAndKeepsItsKeys() {
        UserId user = UserId.of(unique("user_"));
        UserId pseudonym = UserId.of(UserId.PSEUDONYM_PREFIX + unique("p"));
        project.stores().usage().increment(increment(user, 4, "k1"));
        assertThat(project.stores().usage().pseudonymise(user, pseudonym)).isEqualTo(2);
        // The account comes back in the same period, reusing a key, and is erased again.
        project.stores().usage().increment(increment(user, 3, "k1"));
        project.stores().usage().increment(increment(user, 2, "k2"));

        assertThat(project.stores().usage().pseudonymise(user, pseudonym)).isEqualTo(3);

        assertThat(project.stores().usage().used(pseudonym, "api_calls", PERIOD.start()))
                .isEqualTo(9);
        assertThat(project.stores().usage().countersOf(user)).isEmpty();
        // k1 keeps the answer the pseudonym held first; k2 moved with its own.
        assertThat(project.stores().usage().increment(increment(pseudonym, 4, "k1")))
                .isEqualTo(new UsageResult.Replayed(new UsageResult.Accepted(4, 100)));
        assertThat(project.stores().usage().increment(increment(pseudonym, 2, "k2")))
                .isEqualTo(new UsageResult.Replayed(new UsageResult.Accepted(5, 100)));
        assertThat(project.stores().usage().pseudonymise(pseudonym, pseudonym)).isZero();
    }

    @Test
    void aSecondErasureKeepsTheMembershipThatSupersedes() {
        String org = unique("org_");
        UserId user = UserId.of(unique("user_"));
        UserId pseudonym = UserId.of(UserId.PSEUDONYM_PREFIX + unique("p"));
        project.stores().memberships().apply(new OrgMember(org, user, "org:admin", true, T0, unique("msg_")));
        assertThat(project.stores().memberships().pseudonymise(user, pseudonym)).isEqualTo(1);
        project.stores()
                .memberships()
                .apply(new OrgMember(org, user, "org:member", false, T0.plusSeconds(5), unique("msg_")));

        assertThat(project.stores().memberships().pseudonymise(user, pseudonym)).isEqualTo(1);

        assertThat(project.stores().memberships().ofUser(user)).isEmpty();
        assertThat(project.stores().memberships().ofUser(pseudonym))
                .singleElement()
                .satisfies(m -> {
                    assertThat(m.role()).isEqualTo("org:member");
                    assertThat(m.active()).isFalse();
                });
        assertThat(project.stores().memberships().countActive(org)).isZero();
    }

    /** The statements of the 008 and 018 functions, with literal values: each reads an index, never the table. */
    @Test
    void theErasuresStatementsFindTheirRowsInAnIndex() {
        assertIndexed("stripe_customer_mapping_pkey", """
                UPDATE public.stripe_customer_mapping m SET clerk_user_id = 'erased_p', email = NULL
                 WHERE m.clerk_user_id = 'u'""");
        assertIndexed("billing_subscriptions_customer_idx", """
                UPDATE public.billing_subscriptions s
                   SET metadata = jsonb_set(s.metadata, '{user_id}', to_jsonb('erased_p'::text)), updated_at = now()
                 WHERE s.customer_id = 'c' AND s.metadata ->> 'user_id' = 'u'""");
        assertIndexed("billing_usage_keys_pkey", "DELETE FROM public.billing_usage_keys k WHERE k.user_id = 'u'");
        assertIndexed(
                "billing_usage_counters_pkey", "DELETE FROM public.billing_usage_counters c WHERE c.user_id = 'u'");
        assertIndexed("billing_org_members_user_idx", "DELETE FROM public.billing_org_members o WHERE o.user_id = 'u'");
        assertIndexed("stripe_webhook_events_subject_idx", """
                UPDATE public.stripe_webhook_events e SET payload = '{}'::jsonb, subject_id = NULL
                 WHERE e.subject_id = ANY (ARRAY['cus_1', 'user_1'])
                   AND e.payload IS NOT NULL AND NOT e.payload @> '{"billing_redacted": true}'::jsonb""");
        assertIndexed("stripe_webhook_events_pkey", """
                UPDATE public.stripe_webhook_events e SET payload = '{}'::jsonb
                 WHERE e.stripe_event_id = 'evt_1'
                   AND e.payload IS NOT NULL AND NOT e.payload @> '{"billing_redacted": true}'::jsonb""");
    }

    private static void assertIndexed(String index, String statement) {
        String plan = Sql.plan(project.database(), statement);
        assertThat(plan).as(plan).contains("Index Scan using " + index).doesNotContain("Seq Scan");
    }

    private static UsageIncrement increment(UserId user, long amount, String key) {
        return new UsageIncrement(
                user, "api_calls", PERIOD, amount, 100, key, "api_calls:" + amount, T0.plusSeconds(1), null);
    }
}
